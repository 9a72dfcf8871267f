import Foundation

/// `--preflight` (SPEC "PostgreSQL lock safety"): before the first migration, the sessions that
/// would block it — transactions older than `--preflight-max-age` or `idle in transaction`,
/// holding locks on tables the pending migrations touch (their names read from the statements,
/// `StatementTables`). `migrate` warns and goes on, or refuses with `--preflight strict` (exit 4,
/// before the snapshot: nothing changed); `plan` reports them.
public struct Preflight: Sendable {
    /// What `migrate` does when the preflight finds sessions in the way.
    public enum Mode: String, Sendable, CaseIterable {
        /// Warn on stderr, list them in the report, and go on (default).
        case warn
        /// Refuse the run (exit 4).
        case strict
    }

    public var mode: Mode
    /// A transaction open longer than this (seconds) counts as in the way.
    public var maxAgeSeconds: Double

    public init(mode: Mode = .warn, maxAgeSeconds: Double = 60) {
        self.mode = mode
        self.maxAgeSeconds = maxAgeSeconds
    }

    /// The sessions in the way of `pending` on `engine` (none on an engine without table locks
    /// between sessions, or when the lock table cannot be read: a preflight never fails a run by
    /// itself).
    func sessionsInTheWay(of pending: [Migration], on engine: DatabaseEngine) -> [LockHolder] {
        var tables: [String] = []
        for migration in pending {
            for table in StatementTables.tables(in: migration.up) where !tables.contains(table) { tables.append(table) }
        }
        guard !tables.isEmpty, let holders = try? engine.lockHolders(on: tables) else { return [] }
        return holders.filter { holder in
            holder.state.hasPrefix("idle in transaction") || Double(holder.transactionMs ?? 0) >= maxAgeSeconds * 1000
        }
    }
}

/// `migrate --preflight strict` found sessions that would block the pending migrations (exit 4).
public struct PreflightError: LifeboatError {
    public let holders: [LockHolder]
    public let maxAgeSeconds: Double

    public var category: ErrorCategory { .lock }

    public var description: String {
        "preflight (--preflight strict): sessions idle in transaction or in a transaction older than "
            + "\(RunError.format(maxAgeSeconds)) s (--preflight-max-age) hold locks on tables the pending migrations touch; "
            + "nothing was changed and no snapshot was taken. " + LockHolder.explanation(holders)
    }
}
