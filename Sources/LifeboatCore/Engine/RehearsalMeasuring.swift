/// What an engine can measure while `plan` rehearses: each statement's locks, rewrites, rows and
/// time (`StatementImpact`), under a limit on how long the rehearsal may run.
///
/// A separate protocol from `DatabaseEngine`, so an engine that measures nothing (SQLite, an
/// application's own engine) need not pretend to; `plan` asks `engine as? RehearsalMeasuring`.
/// Called only inside `DatabaseEngine.rehearse`, on the engine it hands to its body.
public protocol RehearsalMeasuring: AnyObject {
    /// Runs `statements` (one migration's up section, split) one at a time in the current
    /// transaction, handing each statement's impact to `record` as soon as it has run. A
    /// statement that starts after `deadline`, or runs past it, fails (PostgreSQL:
    /// `statement_timeout`, SQLSTATE 57014).
    /// - Parameter excluding: the history table, whose locks are Lifeboat's own.
    /// - Throws: `EngineError.statementFailed` as `execute` does.
    func executeMeasuring(_ statements: [SQLScript], excluding table: HistoryTable,
                          deadline: ContinuousClock.Instant?, record: (StatementImpact) -> Void) throws

    /// Bounds every later statement of this rehearsal by the time left until `deadline`
    /// (PostgreSQL: `SET LOCAL statement_timeout`), so a rehearsal against a live database never
    /// holds its locks for longer than the operator allowed.
    func limitRehearsal(until deadline: ContinuousClock.Instant) throws
}
