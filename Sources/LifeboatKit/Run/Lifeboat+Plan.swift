import Foundation

/// How `plan` should behave.
public struct PlanOptions: Sendable {
    public var target: MigrationVersion?
    public var rehearse: Bool
    public var allowDestructive: Bool
    public var allowOutOfOrder: Bool
    /// `--rehearsal-timeout`: seconds the whole rehearsal may run (PostgreSQL: its
    /// `statement_timeout`, set to the time left before each statement); nil for no limit.
    public var rehearsalTimeout: Double?
    /// `--rehearse-on`: the target (default) or a scratch copy of it.
    public var rehearseOn: RehearsalPlace
    /// Which sessions count as in the way (`--preflight-max-age`).
    public var preflight: Preflight = Preflight()

    public init(target: MigrationVersion? = nil, rehearse: Bool = true, allowDestructive: Bool = false,
                allowOutOfOrder: Bool = false, rehearsalTimeout: Double? = 60, rehearseOn: RehearsalPlace = .target) {
        self.rehearseOn = rehearseOn
        self.target = target
        self.rehearse = rehearse
        self.allowDestructive = allowDestructive
        self.allowOutOfOrder = allowOutOfOrder
        self.rehearsalTimeout = rehearsalTimeout
    }
}

extension Lifeboat {
    /// The dry run: validate as `migrate` does, lint, then rehearse the pending migrations where
    /// the target cannot be changed, timing each. Never changes the target, never snapshots.
    ///
    /// - Throws: `CatalogError` (exit 3) for validation problems; `RunError.rehearsalFailed`
    ///   (exit 1) carrying the report when a migration fails in rehearsal; `RunError.lintFailed`
    ///   (exit 6) carrying the report when destructive statements were not allowed.
    public func plan(_ options: PlanOptions = PlanOptions()) throws -> PlanReport {
        try planResult(options).get()
    }

    /// `plan`, with the report of a failed rehearsal or a blocking lint returned in `.failed`
    /// (with `RunError.rehearsalFailed` / `.lintFailed`) rather than thrown.
    /// - Throws: `CatalogError` (exit 3) for validation problems.
    public func planResult(_ options: PlanOptions = PlanOptions()) throws -> RunResult<PlanReport> {
        let (catalog, engine) = try openWithCatalog()
        defer { engine.close() }
        let comparison = HistoryComparison(catalog: catalog, history: try engine.readHistory(configuration.historyTable))
        try comparison.validateForMigrate(allowOutOfOrder: options.allowOutOfOrder)
        let pending = try selectPending(comparison.pending, target: options.target, catalog: catalog)

        var report = PlanReport(engine: engine.kind.rawValue, database: engine.url.redacted,
                                currentVersion: comparison.currentVersion, migrations: pending.map(PlannedMigration.init),
                                lint: Lint(engine: engine.kind).findings(in: pending), rehearsed: false,
                                allowDestructive: options.allowDestructive)
        let inTheWay = options.preflight.sessionsInTheWay(of: pending, on: engine)
        if !inTheWay.isEmpty { report.preflight = inTheWay }
        if options.rehearse, !pending.isEmpty {
            if options.rehearseOn == .copy, let host = engine as? ScratchDatabaseHosting {
                try withScratchCopy(of: engine, on: host) { copy in
                    try rehearse(pending, on: copy, inScratchDatabase: true, options: options, into: &report)
                }
            } else {
                if options.rehearseOn == .copy {
                    logger.notice("--rehearse-on copy: \(engine.kind.rawValue) already rehearses on a copy of the database file; nothing changes")
                }
                try rehearse(pending, on: engine, options: options, into: &report)
            }
        }
        if report.failure != nil { return .failed(report, RunError.rehearsalFailed(report)) }
        if !report.blockingLint.isEmpty { return .failed(report, RunError.lintFailed(report)) }
        return .succeeded(report)
    }

    /// Applies `pending` to the engine's throwaway version, filling in times and the failure.
    /// `inScratchDatabase`: `engine` is a scratch copy (`--rehearse-on copy`), dropped afterwards,
    /// so the migrations run as `migrate` runs them, each committed in its own transaction: each
    /// one's locks are measured on their own (in one rolled-back transaction, a lock an earlier
    /// migration took is already held), and no-transaction migrations are rehearsed too.
    private func rehearse(_ pending: [Migration], on engine: DatabaseEngine, inScratchDatabase: Bool = false,
                          options: PlanOptions, into report: inout PlanReport) throws {
        let runnable = pending.filter { !$0.noTransaction || inScratchDatabase || engine.rehearsesNoTransactionMigrations }
        let table = configuration.historyTable
        let logger = self.logger
        let measurement = RehearsalMeasurement(deadline: options.rehearsalTimeout.map { .now + .milliseconds(Int($0 * 1000)) })
        let apply = { (copy: DatabaseEngine) in
            if let deadline = measurement.deadline { try (copy as? RehearsalMeasuring)?.limitRehearsal(until: deadline) }
            var applier = MigrationApplier(engine: copy, table: table, snapshotID: nil, logger: logger)
            applier.measurement = measurement
            return applier.applyEach(runnable)
        }
        let rehearsal = { (scratch: URL) in try engine.rehearse(scratch: scratch, apply) }
        // The copy is the whole database: only ever in a private scratch folder under the backups.
        let outcome = inScratchDatabase ? try apply(engine)
            : engine.rehearsesOnACopy ? try withScratch(rehearsal)
            : try rehearsal(URL(fileURLWithPath: configuration.backupsDirectory))
        report.rehearsed = true
        // After a failure nothing else ran: those are `not_reached`, apart from `not_rehearsed`
        // (a no-transaction migration the engine cannot rehearse), so a reader knows which
        // migrations the rehearsal says nothing about because of the failure.
        var failed = false
        for index in report.migrations.indices {
            let planned = report.migrations[index]
            if let entry = outcome.entries.first(where: { $0.version == planned.version }) {
                report.migrations[index].rehearsalMs = entry.executionMs
                report.migrations[index].status = entry.status == .applied ? .rehearsed : .failed
                // A no-transaction migration's locks end with each statement: none is left to read.
                // Only a migration that ran to its end has a whole verdict.
                if engine is RehearsalMeasuring, entry.status == .applied, !planned.noTransaction,
                   let version = MigrationVersion(planned.version) {
                    report.migrations[index].record(LockImpact(measurement.impacts[version] ?? []))
                }
                if entry.status != .applied { failed = true }
            } else {
                report.migrations[index].status = failed ? .notReached : .notRehearsed
            }
        }
        if let failure = outcome.failure {
            report.failure = MigrateReport.Failure(version: failure.migration.version.text, file: failure.migration.file,
                                                   error: failure.error)
            if failure.error.code == .sqlState("57014"), let seconds = options.rehearsalTimeout {
                let advice = inScratchDatabase ? "Raise --rehearsal-timeout (0: no limit)."
                    : "Rehearse on a copy (--rehearse-on copy) or raise --rehearsal-timeout (0: no limit)."
                report.failure?.message += "\nThe rehearsal ran longer than --rehearsal-timeout (\(RunError.format(seconds)) s) and was "
                    + "cancelled, so that it holds no lock on the target for longer. " + advice
            }
        }
    }
}
