import Foundation

/// What `baseline` or `repair` changed in the history table, one line per change.
public struct HistoryChangeReport: Sendable, Codable {
    public var changes: [String]
    public var migrations: [MigrationEntry]
}

extension Lifeboat {
    /// For a database created before Lifeboat: record every migration up to `version` as
    /// `baseline` without running it. Migrations already in the history are left alone.
    /// - Throws: `RunError.unknownBaseline` (exit 2) when no migration has that version.
    public func baseline(_ version: MigrationVersion) throws -> HistoryChangeReport {
        let catalog = try loadCatalog()
        guard catalog.migrations.contains(where: { $0.version == version }) else { throw RunError.unknownBaseline(version.text) }
        let engine = try openEngine()
        defer { engine.close() }
        return try withLock(engine) {
            let table = configuration.historyTable
            let history = try engine.readHistory(table)
            // Half a restore is no state to adopt: finish the restore (or repair) first.
            if let marker = history.first(where: \.isRestoringMarker) {
                throw CatalogError.interruptedRestore(snapshotID: marker.snapshotID)
            }
            let recorded = Set(history.compactMap { MigrationVersion($0.version) })
            var report = HistoryChangeReport(changes: [], migrations: [])
            do {
                try engine.inTransaction {
                    try engine.ensureHistoryTable(table)
                    for migration in catalog.migrations where migration.version <= version && !recorded.contains(migration.version) {
                        let record = HistoryRecord(version: migration.version.text, description: migration.description,
                                                   checksum: migration.checksum, status: .baseline,
                                                   appliedAt: Timestamp.iso8601(Date()), executionMs: 0,
                                                   appliedBy: Timestamp.userAtHost, snapshotID: nil)
                        try engine.insertHistory(record, into: table)
                        report.changes.append("baseline \(migration.version.text)_\(migration.description) (not run)")
                        report.migrations.append(MigrationEntry(version: record.version, description: record.description,
                                                                checksum: record.checksum, status: .baseline,
                                                                appliedAt: record.appliedAt, executionMs: 0, file: migration.file))
                    }
                }
            } catch {
                throw EngineError.wrapping(error)
            }
            return report
        }
    }

    /// After a reviewed manual fix: re-record checksums from the files (drift) and delete
    /// `failed` rows, printing each change. Missing files are reported, not changed. A `restoring`
    /// marker (an interrupted restore) is deleted too, saying so: the operator who runs `repair`
    /// after reviewing the database chooses to keep it as it is rather than finish the restore.
    public func repair() throws -> HistoryChangeReport {
        let (catalog, engine) = try openWithCatalog()
        defer { engine.close() }
        return try withLock(engine) {
            let table = configuration.historyTable
            let comparison = HistoryComparison(catalog: catalog, history: try engine.readHistory(table))
            var report = HistoryChangeReport(changes: [], migrations: [])
            do {
                try engine.inTransaction {
                    if let marker = comparison.interruptedRestore {
                        try engine.deleteHistory(version: marker.version, from: table)
                        report.changes.append("deleted the restoring marker: the interrupted restore of snapshot "
                            + "\(marker.snapshotID ?? "(unknown)") is abandoned, the database keeps what the failed run committed")
                    }
                    for state in comparison.states {
                        switch state.status {
                        case .drift:
                            guard let migration = state.migration else { continue }
                            try engine.updateHistoryChecksum(version: state.version, checksum: migration.checksum, in: table)
                            report.changes.append("checksum of \(state.version)_\(state.description): \(state.record?.checksum ?? "?") → \(migration.checksum)")
                            report.migrations.append(MigrationEntry(version: state.version, description: state.description,
                                                                    checksum: migration.checksum, status: .repaired,
                                                                    file: migration.file))
                        case .failed:
                            try engine.deleteHistory(version: state.version, from: table)
                            report.changes.append("deleted the failed row of \(state.version)_\(state.description); it is pending again")
                            report.migrations.append(MigrationEntry(version: state.version, description: state.description,
                                                                    checksum: state.checksum, status: .pending,
                                                                    file: state.migration?.file))
                        case .missing:
                            report.changes.append("left alone: \(state.version)_\(state.description) is applied but its file is missing; restore the file")
                        default:
                            continue
                        }
                    }
                }
            } catch {
                throw EngineError.wrapping(error)
            }
            return report
        }
    }

    /// The normalised schema of the target; written to `file` when given.
    public func schema(to file: String? = nil) throws -> String {
        let engine = try openEngine()
        defer { engine.close() }
        if let file { try writeSchema(of: engine, to: file) }
        return try engine.schema(excluding: configuration.historyTable)
    }

    /// Static lint of `files` (or of every migration in the folder), for the target's dialect.
    /// - Throws: `RunError.lintFailed` (exit 6) when a finding is not allowed and
    ///   `allowDestructive` is false.
    public func lint(files: [String], allowDestructive: Bool) throws -> PlanReport {
        try lintResult(files: files, allowDestructive: allowDestructive).get()
    }

    /// `lint`, with the report of findings that were not allowed returned in `.failed` (with
    /// `RunError.lintFailed`) rather than thrown.
    public func lintResult(files: [String], allowDestructive: Bool) throws -> RunResult<PlanReport> {
        let migrations: [Migration]
        if files.isEmpty {
            migrations = try loadCatalog().migrations
        } else {
            migrations = try files.map { try MigrationParser.parseFile(atPath: $0) }
        }
        let engine = configuration.databaseURL.engine
        let report = PlanReport(engine: engine.rawValue, database: configuration.databaseURL.redacted, currentVersion: nil,
                                migrations: migrations.map(PlannedMigration.init),
                                lint: Lint(engine: engine).findings(in: migrations), rehearsed: false)
        if !allowDestructive, !report.blockingLint.isEmpty { return .failed(report, RunError.lintFailed(report)) }
        return .succeeded(report)
    }
}
