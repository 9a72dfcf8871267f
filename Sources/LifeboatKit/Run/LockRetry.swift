import Foundation
import Logging

/// `--lock-retries` (SPEC "PostgreSQL lock safety"): what to do when a statement was cancelled by
/// `lock_timeout` because another session held a lock it needed.
///
/// The wait was cut short so the queries queued behind it are not held up; the session in the way
/// usually finishes soon. So the work is run again after a pause that grows (200 ms × 2^k) and is
/// jittered (± 50 %, so that several runners do not retry in step), capped at 5 s, up to
/// `retries` more times. Each failed attempt names who was in the way (`DatabaseEngine.lockHolders`)
/// on stderr, and the last one's blockers go into the report.
///
/// Engine-neutral: it keys on `EngineError.isLockTimeout`, which only PostgreSQL reports.
struct LockRetry {
    let engine: DatabaseEngine
    /// How many more times to run the work after a lock timeout (0: fail at once).
    let retries: Int
    let logger: Logger

    /// What the retries of one migration came to.
    struct Tally {
        /// Attempts run again after a lock timeout.
        var retries = 0
        /// The sessions in the way at the last lock timeout (empty when none timed out or none
        /// were found).
        var blockers: [LockHolder] = []
    }

    /// The pause before retry number `attempt` (1-based): 200 ms × 2^(attempt-1), ± 50 %, at most 5 s.
    static func pause(beforeRetry attempt: Int, jitter: Double = Double.random(in: 0.5...1.5)) -> Duration {
        let base = 200.0 * pow(2.0, Double(min(max(attempt - 1, 0), 10)))
        return .milliseconds(Int(min(base * jitter, 5_000)))
    }

    /// Runs `work`; while it throws a lock timeout and `retryable` and retries are left, finds who
    /// was in the way, logs it, pauses and runs `work` again. `work` must leave nothing behind when
    /// it throws (a rolled-back transaction, or one statement that PostgreSQL ran in a
    /// transaction of its own).
    /// - Throws: `work`'s last error; a lock timeout with the blockers added to its message.
    func run<T>(_ what: String, retryable: Bool = true, tables: @autoclosure () -> [String],
                tally: inout Tally, _ work: () throws -> T) throws -> T {
        while true {
            do {
                return try work()
            } catch let error as EngineError where error.isLockTimeout {
                let blockers = findBlockers(of: error, tables: tables())
                tally.blockers = blockers
                let whom = blockers.isEmpty ? "" : ": " + LockHolder.explanation(blockers)
                guard retryable, tally.retries < retries else {
                    let why = retryable ? "gave up after \(tally.retries) lock retries (--lock-retries \(retries))"
                        : "not retried: the statement may have begun its work (a no-transaction statement that "
                            + "PostgreSQL does not run in a transaction of its own)"
                    throw error.adding(why + (blockers.isEmpty ? "" : "; " + LockHolder.explanation(blockers)))
                }
                tally.retries += 1
                let pause = Self.pause(beforeRetry: tally.retries)
                logger.warning("lock timeout in \(what)\(whom); retry \(tally.retries) of \(retries) in \(pause.milliseconds) ms")
                Thread.sleep(forTimeInterval: Double(pause.milliseconds) / 1000)
            }
        }
    }

    /// Who holds locks on the tables of the failing statement (else of `tables`, else any table);
    /// none when they cannot be read: the report must never fail because of this.
    private func findBlockers(of error: EngineError, tables: [String]) -> [LockHolder] {
        var names = tables
        if case .statementFailed(_, _, _, let statement?, _) = error {
            let ofStatement = StatementTables.tables(in: SQLScript(statement))
            if !ofStatement.isEmpty { names = ofStatement }
        }
        return (try? engine.lockHolders(on: names.isEmpty ? nil : names)) ?? []
    }
}

extension Duration {
    /// Whole milliseconds, for messages.
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}

extension MigrationEntry {
    /// Records what the lock retries of this migration came to (`lock_retries`, `blockers`).
    mutating func noteLockWaits(_ tally: LockRetry.Tally) {
        lockRetries = tally.retries
        blockers = tally.blockers.isEmpty ? nil : tally.blockers
    }
}
