import LifeboatCore

/// Who is in the way when a restore gives up on a lock.
///
/// A restore drops and recreates every table in one transaction, so it needs every table's lock;
/// a session that keeps a table open (an application's idle transaction, a long report) makes it
/// wait until `lock_timeout` and fail. "canceling statement due to lock timeout" alone sends the
/// operator hunting at 3 a.m.; this names the sessions and what to do.
extension PostgresEngine {
    /// Whether `error`'s message is a `lock_timeout` cancellation (SQLSTATE 55P03).
    static func isLockTimeout(_ error: Error) -> Bool {
        let text = (error as? EngineError)?.description ?? "\(error)"
        return text.contains("SQLSTATE 55P03")
    }

    /// The other sessions of this database that hold table locks, as one sentence with the way
    /// out; nil when there are none (they finished meanwhile) or they cannot be read. Run after
    /// the restore's transaction was rolled back, so this connection can query.
    func lockHoldersExplanation() -> String? {
        guard let result = try? run("""
            SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''), coalesce(a.state, ''),
                   string_agg(DISTINCT l.relation::regclass::text, ', ')
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.granted AND l.locktype = 'relation' AND a.pid <> pg_backend_pid()
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            GROUP BY a.pid, a.application_name, a.usename, a.state
            ORDER BY a.pid
            LIMIT 5
            """, doing: "finding the sessions that hold locks"), !result.rows.isEmpty else { return nil }
        let holders = result.rows.map { row in
            "pid \(row[0] ?? "?") (application_name '\(row[1] ?? "")', user \(row[2] ?? "?"), \(row[3] ?? "?"), "
                + "holding \(row[4] ?? "?"))"
        }
        let pids = result.rows.compactMap { $0[0] }
        return "The restore needs a lock on every table and gave up waiting for: \(holders.joined(separator: "; ")). "
            + "Stop the application's writers (and other sessions using the database), or end those sessions with "
            + "SELECT pg_terminate_backend(pid) for pid \(pids.joined(separator: ", ")), then run the restore again."
    }
}
