import LifeboatCore

/// Who is in the way when a lock wait times out, or is about to.
///
/// One query serves three callers: a migration cancelled by `lock_timeout` (Run asks about the
/// tables of the failing statement, after the rollback, while the holder is still there), the
/// preflight before a run (the tables of the pending migrations), and a restore that gave up on
/// a lock (every table: a restore needs them all). "canceling statement due to lock timeout"
/// alone sends the operator hunting at 3 a.m.; this names the sessions and what to do.
extension PostgresEngine {
    /// Whether `error`'s message is a `lock_timeout` cancellation (SQLSTATE 55P03).
    static func isLockTimeout(_ error: Error) -> Bool {
        if let engineError = error as? EngineError, engineError.isLockTimeout { return true }
        let text = (error as? EngineError)?.description ?? "\(error)"
        return text.contains("SQLSTATE 55P03")
    }

    /// Sessions of this database other than ours holding granted table locks on `tables` (SQL
    /// names, resolved with `to_regclass` on the search path; nil: any table), oldest transaction
    /// first, at most 10. Ages are read with `clock_timestamp()`, so they are right inside a
    /// transaction too.
    public func lockHolders(on tables: [String]?) throws -> [LockHolder] {
        if let tables, tables.isEmpty { return [] }
        let result = try run("""
            SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''), coalesce(a.state, ''),
                   floor(extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::bigint,
                   floor(extract(epoch FROM clock_timestamp() - a.query_start) * 1000)::bigint,
                   left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 80),
                   string_agg(DISTINCT l.relation::regclass::text, E'\\n'), string_agg(DISTINCT l.mode, E'\\n')
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.granted AND l.locktype = 'relation' AND a.pid <> pg_backend_pid()
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND ($1::text IS NULL OR l.relation IN
                   (SELECT to_regclass(name) FROM unnest(string_to_array($1::text, E'\\n')) AS name))
            GROUP BY a.pid, a.application_name, a.usename, a.state, a.xact_start, a.query_start, a.query
            ORDER BY a.xact_start NULLS LAST, a.pid
            LIMIT 10
            """, [tables?.joined(separator: "\n")], doing: "finding the sessions that hold locks")
        return result.rows.map { row in
            LockHolder(pid: Int(row[0] ?? "") ?? 0, applicationName: row[1] ?? "", user: row[2] ?? "",
                       state: row[3] ?? "", transactionMs: row[4].flatMap { Int($0) }, queryMs: row[5].flatMap { Int($0) },
                       query: row[6] ?? "", relations: (row[7] ?? "").split(separator: "\n").map(String.init),
                       modes: (row[8] ?? "").split(separator: "\n").map(String.init))
        }
    }

    /// The other sessions of this database that hold table locks, as one sentence with the way
    /// out; nil when there are none (they finished meanwhile) or they cannot be read. Run after
    /// the restore's transaction was rolled back, so this connection can query.
    func lockHoldersExplanation() -> String? {
        guard let holders = try? lockHolders(on: nil), !holders.isEmpty else { return nil }
        return "The restore needs a lock on every table and gave up waiting; "
            + LockHolder.explanation(holders) + " Stop the application's writers (and other sessions using the "
            + "database) first, then run the restore again."
    }
}
