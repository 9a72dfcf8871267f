import Foundation

extension Lifeboat {
    /// The backup-first run (SPEC "`migrate`, step by step"): lock, validate, snapshot, apply each
    /// pending migration in its own transaction with its history row, and on failure put the
    /// snapshot back so the database is exactly as before the run.
    ///
    /// - Returns: the report of a successful run (also when nothing was pending).
    /// - Throws: `CatalogError` (exit 3) for validation problems, with nothing changed;
    ///   `RunError.lockTimeout` (exit 4); `SnapshotError` (exit 5) when the snapshot fails, before
    ///   any migration; `RunError.migrationFailed` (exit 1) carrying the report of what ran and
    ///   what was restored.
    public func migrate(_ options: MigrateOptions = MigrateOptions()) throws -> MigrateReport {
        try migrateResult(options).get()
    }

    /// `migrate`, with a failed run's report returned rather than thrown: `.failed` carries the
    /// report of what ran and what was restored with `RunError.migrationFailed`.
    /// - Throws: what stops the run before any migration (validation, lock, snapshot).
    public func migrateResult(_ options: MigrateOptions = MigrateOptions()) throws -> RunResult<MigrateReport> {
        let started = ContinuousClock.now
        let (catalog, engine) = try openWithCatalog(creating: true)
        defer { engine.close() }
        return try withLock(engine) {
            try migrateLocked(engine, catalog: catalog, options: options, started: started)
        }
    }

    /// Steps 2–7, with the lock held.
    private func migrateLocked(_ engine: DatabaseEngine, catalog: MigrationCatalog, options: MigrateOptions,
                               started: ContinuousClock.Instant) throws -> RunResult<MigrateReport> {
        let table = configuration.historyTable
        var report = MigrateReport(engine: engine.kind.rawValue, database: engine.url.redacted)

        // 2. Validate: any problem stops here, nothing changed.
        let comparison = HistoryComparison(catalog: catalog, history: try engine.readHistory(table))
        try comparison.validateForMigrate(allowOutOfOrder: options.allowOutOfOrder)
        let pending = try selectPending(comparison.pending, target: options.target, catalog: catalog)
        report.currentVersion = comparison.currentVersion

        // 3. Nothing to do.
        guard !pending.isEmpty else {
            report.upToDate = true
            report.totalMs = Timestamp.milliseconds(since: started)
            logger.info("\(engine.url.redacted) is up to date at version \(comparison.currentVersion ?? "none")")
            return .succeeded(report)
        }
        if options.atomic, let first = pending.first(where: \.noTransaction) {
            throw RunError.atomicWithNoTransaction(file: first.file)
        }

        // Preflight: who would block the migrations. Before the snapshot, so a refusal changes nothing.
        let inTheWay = options.preflight.sessionsInTheWay(of: pending, on: engine)
        if !inTheWay.isEmpty {
            if options.preflight.mode == .strict {
                throw PreflightError(holders: inTheWay, maxAgeSeconds: options.preflight.maxAgeSeconds)
            }
            logger.warning("preflight: \(LockHolder.explanation(inTheWay)) The migrations may wait for them (--statement-lock-timeout).")
            report.preflight = inTheWay
        }

        // 4. Snapshot: no backup, no migration.
        if !options.noSnapshot {
            let appliedCount = comparison.states.filter(\.status.isApplied).count
            do {
                report.snapshot = try takeSnapshot(of: engine, reason: .migrate, schemaVersion: comparison.currentVersion,
                                                   appliedCount: appliedCount, label: nil)
            } catch let error as LifeboatError {
                throw SnapshotStepError(error, database: engine.url.redacted, step: "migration")
            }
        }

        // 5. Apply.
        var applier = MigrationApplier(engine: engine, table: table, snapshotID: report.snapshot?.id, logger: logger,
                                       lockRetries: options.lockRetries)
        let outcome = options.atomic ? applier.applyAtomically(pending) : applier.applyEach(pending)
        report.migrations = outcome.entries
        report.currentVersion = outcome.entries.last(where: { $0.status == .applied })?.version ?? report.currentVersion

        // 6. On failure: put the snapshot back when this run left anything behind; when it left
        // nothing, the database still equals the snapshot, which is deleted.
        if let failure = outcome.failure {
            let leftSomething = outcome.committed > 0 || failure.leftPartialChanges
            if !leftSomething, let snapshot = report.snapshot {
                report.snapshotDeleted = deleteUnneededSnapshot(snapshot)
            }
            return try failedRun(report, at: failure.migration.version.text, file: failure.migration.file, error: failure.error,
                                 leftSomething: leftSomething, onFailure: options.onFailure,
                                 versionBefore: comparison.currentVersion, engine: engine, started: started,
                                 blockers: failure.blockers)
        }

        // 7. Success.
        report.databaseChanged = true
        report.pruned = pruneSnapshots(of: engine)
        if let path = options.dumpSchema {
            do {
                try writeSchema(of: engine, to: path)
            } catch {
                // The migrations are committed: the report still says so, and the error says
                // only the schema file is missing.
                report.totalMs = Timestamp.milliseconds(since: started)
                let reason = (error as? LifeboatError)?.description ?? String(describing: error)
                return .failed(report, RunError.schemaNotWritten(report, path: path, reason: reason))
            }
        }
        report.totalMs = Timestamp.milliseconds(since: started)
        return .succeeded(report)
    }

    /// Pending migrations up to `target`, which must name a migration in the folder.
    func selectPending(_ pending: [Migration], target: MigrationVersion?, catalog: MigrationCatalog) throws -> [Migration] {
        guard let target else { return pending }
        guard catalog.migrations.contains(where: { $0.version == target }) else {
            throw RunError.unknownTarget(target.text)
        }
        return pending.filter { $0.version <= target }
    }
}
