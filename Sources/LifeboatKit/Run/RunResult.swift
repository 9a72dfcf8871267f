/// How a run that can stop halfway ended: its report either way, and when it stopped, the error
/// that says why (and decides the exit code).
///
/// `migrate`, `rollback`, `plan` and `verify` report what they did also when they fail: a caller
/// that shows reports (the CLI) takes this result instead of digging the report out of the error;
/// a caller that only wants success calls `get()` (which is what the throwing `migrate()` etc. do).
public enum RunResult<Report: Sendable>: Sendable {
    case succeeded(Report)
    case failed(Report, RunError)

    /// What the run did, whether it succeeded or not.
    public var report: Report {
        switch self {
        case .succeeded(let report), .failed(let report, _): return report
        }
    }

    /// Why the run stopped, nil when it succeeded.
    public var error: RunError? {
        if case .failed(_, let error) = self { return error }
        return nil
    }

    /// The report of a successful run.
    /// - Throws: the `RunError` of a failed one (which carries the report too).
    public func get() throws -> Report {
        switch self {
        case .succeeded(let report): return report
        case .failed(_, let error): throw error
        }
    }
}
