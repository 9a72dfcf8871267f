import Foundation

/// How `plan` should behave.
public struct PlanOptions: Sendable {
    public var target: MigrationVersion?
    public var rehearse: Bool
    public var allowDestructive: Bool
    public var allowOutOfOrder: Bool
    /// Which sessions count as in the way (`--preflight-max-age`).
    public var preflight: Preflight = Preflight()

    public init(target: MigrationVersion? = nil, rehearse: Bool = true, allowDestructive: Bool = false,
                allowOutOfOrder: Bool = false) {
        self.target = target
        self.rehearse = rehearse
        self.allowDestructive = allowDestructive
        self.allowOutOfOrder = allowOutOfOrder
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
            try rehearse(pending, on: engine, into: &report)
        }
        if report.failure != nil { return .failed(report, RunError.rehearsalFailed(report)) }
        if !report.blockingLint.isEmpty { return .failed(report, RunError.lintFailed(report)) }
        return .succeeded(report)
    }

    /// Applies `pending` to the engine's throwaway version, filling in times and the failure.
    private func rehearse(_ pending: [Migration], on engine: DatabaseEngine, into report: inout PlanReport) throws {
        let runnable = pending.filter { !$0.noTransaction || engine.rehearsesNoTransactionMigrations }
        let table = configuration.historyTable
        let logger = self.logger
        let rehearsal = { (scratch: URL) in
            try engine.rehearse(scratch: scratch) { copy in
                var applier = MigrationApplier(engine: copy, table: table, snapshotID: nil, logger: logger)
                return applier.applyEach(runnable)
            }
        }
        // The copy is the whole database: only ever in a private scratch folder under the backups.
        let outcome = engine.rehearsesOnACopy ? try withScratch(rehearsal)
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
                if entry.status != .applied { failed = true }
            } else {
                report.migrations[index].status = failed ? .notReached : .notRehearsed
            }
        }
        if let failure = outcome.failure {
            report.failure = MigrateReport.Failure(version: failure.migration.version.text, file: failure.migration.file,
                                                   error: failure.error)
        }
    }
}
