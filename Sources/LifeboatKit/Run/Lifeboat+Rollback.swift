import Foundation

/// Which applied migrations `rollback` undoes.
public enum RollbackRange: Sendable, Equatable {
    /// The newest `n` applied migrations.
    case steps(Int)
    /// Every applied migration newer than this version, which stays applied.
    case to(MigrationVersion)
}

extension Lifeboat {
    /// Snapshot, then run the down sections of the migrations in `range`, newest first, each in
    /// its own transaction together with the removal of its history row. On a failure the
    /// snapshot is restored (unless `onFailure` is `.keep`).
    ///
    /// - Throws: `RollbackError` (exit 3) before touching anything when a migration in range has
    ///   no down section, its file is missing, or the database is dirty; `RunError.migrationFailed`
    ///   (exit 1) with the report when a down section fails; whatever `confirm` throws.
    /// - Parameter confirm: called under the lock with the migrations about to be undone, newest
    ///   first, before anything changes (the CLI's prompt lists them); throwing stops the run.
    public func rollback(_ range: RollbackRange = .steps(1), onFailure: MigrateOptions.OnFailure = .restore,
                         noSnapshot: Bool = false, lockRetries: Int = 0,
                         confirm: (([MigrationEntry]) throws -> Void)? = nil) throws -> MigrateReport {
        try rollbackResult(range, onFailure: onFailure, noSnapshot: noSnapshot, lockRetries: lockRetries, confirm: confirm).get()
    }

    /// `rollback`, with a failed run's report returned in `.failed` (with
    /// `RunError.migrationFailed`) rather than thrown. `lockRetries`: a down section in a
    /// transaction cancelled by a lock timeout is run again that many times (`LockRetry`).
    public func rollbackResult(_ range: RollbackRange = .steps(1), onFailure: MigrateOptions.OnFailure = .restore,
                               noSnapshot: Bool = false, lockRetries: Int = 0,
                               confirm: (([MigrationEntry]) throws -> Void)? = nil) throws -> RunResult<MigrateReport> {
        let started = ContinuousClock.now
        let (catalog, engine) = try openWithCatalog()
        defer { engine.close() }
        return try withLock(engine) {
            let table = configuration.historyTable
            var report = MigrateReport(engine: engine.kind.rawValue, database: engine.url.redacted)
            let comparison = HistoryComparison(catalog: catalog, history: try engine.readHistory(table))
            if let marker = comparison.interruptedRestore {
                throw CatalogError.interruptedRestore(snapshotID: marker.snapshotID)
            }
            if let dirty = comparison.states.first(where: { $0.status == .failed }) {
                throw RollbackError.dirty(version: dirty.version, snapshotID: dirty.record?.snapshotID)
            }
            let applied = comparison.states.filter { $0.record != nil }
            let selected: [MigrationState]
            switch range {
            case .steps(let count):
                selected = Array(applied.suffix(count).reversed())
            case .to(let version):
                guard applied.contains(where: { MigrationVersion($0.version) == version }) else {
                    throw RollbackError.targetNotApplied(version.text)
                }
                selected = applied.filter { MigrationVersion($0.version).map { $0 > version } ?? false }.reversed()
            }
            // Refuse before touching anything.
            for state in selected {
                guard let migration = state.migration else { throw RollbackError.missingFile(version: state.version) }
                guard migration.down != nil else { throw RollbackError.noDownSection(file: migration.file) }
            }
            report.currentVersion = comparison.currentVersion
            guard !selected.isEmpty else {
                report.upToDate = true
                report.totalMs = Timestamp.milliseconds(since: started)
                return .succeeded(report)
            }
            try confirm?(selected.map(MigrationEntry.init))
            if !noSnapshot {
                do {
                    report.snapshot = try takeSnapshot(of: engine, reason: .rollback, schemaVersion: comparison.currentVersion,
                                                       appliedCount: applied.count, label: nil)
                } catch let error as LifeboatError {
                    throw SnapshotStepError(error, database: engine.url.redacted, step: "rollback")
                }
            }
            let retry = LockRetry(engine: engine, retries: lockRetries, logger: logger)
            for state in selected {
                let migration = state.migration!
                let migrationStarted = ContinuousClock.now
                var leftPartialChanges = false
                var tally = LockRetry.Tally()
                /// What this run did with the migration, with its time and lock retries.
                func entry(_ status: MigrationStatus) -> MigrationEntry {
                    var entry = MigrationEntry(version: state.version, description: state.description, checksum: state.checksum,
                                               status: status, executionMs: Timestamp.milliseconds(since: migrationStarted),
                                               file: migration.down?.file)
                    entry.noteLockWaits(tally)
                    return entry
                }
                do {
                    if migration.downNoTransaction, let record = state.record {
                        try undoWithoutTransaction(migration, record: record, on: engine, table: table,
                                                   snapshotID: report.snapshot?.id, started: { leftPartialChanges = true })
                    } else {
                        let tables = migration.down.map(StatementTables.tables) ?? []
                        try retry.run("the rollback of \(state.version)_\(state.description)", tables: tables, tally: &tally) {
                            try engine.inTransaction {
                                if let down = migration.down, !down.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                                    try engine.execute(down)
                                }
                                try engine.deleteHistory(version: state.version, from: table)
                            }
                        }
                    }
                } catch {
                    let failure = EngineError.wrapping(error)
                    report.migrations.append(entry(.failed))
                    return try failedRun(report, at: state.version, file: migration.down?.file, error: failure,
                                         leftSomething: report.committedCount > 0 || leftPartialChanges, onFailure: onFailure,
                                         versionBefore: comparison.currentVersion, engine: engine, started: started,
                                         blockers: tally.blockers)
                }
                report.migrations.append(entry(.rolledBack))
                logger.info("rolled back \(state.version)_\(state.description)")
            }
            report.databaseChanged = true
            report.currentVersion = try currentVersion(of: engine).0
            report.totalMs = Timestamp.milliseconds(since: started)
            return .succeeded(report)
        }
    }
}

extension Lifeboat {
    /// A no-transaction down section (`DROP INDEX CONCURRENTLY` cannot run in a transaction): its
    /// history row first becomes `failed`, so a run that stops halfway leaves the database visibly
    /// dirty (`migrate` refuses and names the snapshot); then its statements run one by one; the
    /// row is deleted only once all of them succeeded. The `failed` row names `snapshotID` (this
    /// rollback's snapshot) as the way back. `started` is called once the database changed.
    func undoWithoutTransaction(_ migration: Migration, record: HistoryRecord, on engine: DatabaseEngine,
                                table: HistoryTable, snapshotID: String?, started: () -> Void) throws {
        var failed = record
        failed.status = .failed
        failed.snapshotID = snapshotID ?? record.snapshotID
        try engine.inTransaction {
            try engine.deleteHistory(version: record.version, from: table)
            try engine.insertHistory(failed, into: table)
        }
        started()
        for statement in migration.down.map(StatementSplitter.split) ?? [] {
            try engine.execute(statement)
        }
        try engine.deleteHistory(version: record.version, from: table)
    }
}

/// Why `rollback` refused before touching anything (exit 3, or 2 for a bad `--to`).
public enum RollbackError: LifeboatError {
    case noDownSection(file: String)
    case missingFile(version: String)
    case dirty(version: String, snapshotID: String?)
    case targetNotApplied(String)

    public var category: ErrorCategory {
        if case .targetNotApplied = self { return .usage }
        return .validation
    }

    public var description: String {
        switch self {
        case .noDownSection(let file):
            return "\(file) has no down section, so it cannot be rolled back; nothing was changed. Put a snapshot back instead: `lifeboat snapshots`, then `lifeboat restore <id>`"
        case .missingFile(let version):
            return "migration \(version) is applied but its file is missing, so its down section is unknown; nothing was changed. Use `lifeboat restore <id>` instead"
        case .dirty(let version, let snapshotID):
            return "the database is dirty: migration \(version) did not finish. Run `lifeboat restore \(snapshotID ?? "<id>")`, or fix it by hand and run `lifeboat repair`"
        case .targetNotApplied(let version):
            return "--to \(version) names no applied migration"
        }
    }
}
