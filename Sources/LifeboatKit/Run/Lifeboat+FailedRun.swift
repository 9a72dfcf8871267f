extension Lifeboat {
    /// Step 6 of `migrate` and `rollback` alike, once a migration (or a down section) failed:
    /// record where, put the pre-run snapshot back when the run left anything behind (unless
    /// `--on-failure keep`), and return the failed result carrying the report.
    ///
    /// - Parameters:
    ///   - leftSomething: the run committed something, or a no-transaction section stopped halfway.
    ///   - versionBefore: the version before the run, which a restore returns the database to.
    ///   - blockers: the sessions in the way when it failed on a lock timeout.
    /// - Throws: what the restore itself throws (exit 5, saying what state the database is in).
    func failedRun(_ report: MigrateReport, at version: String, file: String?, error: EngineError,
                   leftSomething: Bool, onFailure: MigrateOptions.OnFailure, versionBefore: String?,
                   engine: DatabaseEngine, started: ContinuousClock.Instant,
                   blockers: [LockHolder] = []) throws -> RunResult<MigrateReport> {
        var report = report
        report.failure = MigrateReport.Failure(version: version, file: file, error: error)
        if error.isLockTimeout { report.failure?.blockers = blockers }
        if onFailure == .restore, leftSomething, let snapshot = report.snapshot {
            try restoreAfterFailure(snapshot, into: engine, failure: error)
            report.restored = true
            report.currentVersion = versionBefore
        }
        report.databaseChanged = leftSomething && !report.restored
        report.totalMs = Timestamp.milliseconds(since: started)
        return .failed(report, RunError.migrationFailed(report, underlying: error))
    }
}
