import LifeboatCore

/// The run lock: a session-level advisory lock, released by the server when the session ends
/// (also when a run crashes).
///
/// The key is the first 8 bytes of the SHA-256 of the UTF-8 text `lifeboat:<history table name>`,
/// read as a big-endian signed 64-bit integer (computed by the server with `sha256()`, PostgreSQL
/// 11 or newer). Another tool can compute the same key to wait for Lifeboat runs.
extension PostgresEngine {
    public func tryLock(key: String) throws -> LockAttempt {
        let lockKey = try advisoryLockKey(for: key)
        // Session advisory locks stack: never take the same one twice.
        if heldLockKey == lockKey { return .acquired }
        if let other = heldLockKey {
            throw EngineError.failed("this connection already holds the run lock \(other); unlock it before taking another")
        }
        let result = try run("SELECT pg_try_advisory_lock($1::bigint)", [String(lockKey)],
                             doing: "taking the run lock for \(key)")
        if result.firstValue == "t" {
            heldLockKey = lockKey
            return .acquired
        }
        return .busy(holder: try? lockHolder(lockKey))
    }

    public func unlock() throws {
        guard let key = heldLockKey, connection.isOpen else {
            heldLockKey = nil
            return
        }
        let result = try run("SELECT pg_advisory_unlock($1::bigint)", [String(key)], doing: "releasing the run lock")
        heldLockKey = nil
        if result.firstValue != "t" {
            options.log("the run lock \(key) was not held by this session when releasing it")
        }
    }

    /// The advisory lock key for a lock name (see the type's documentation).
    func advisoryLockKey(for name: String) throws -> Int64 {
        let result = try run("SELECT ('x' || left(encode(sha256(convert_to($1, 'UTF8')), 'hex'), 16))::bit(64)::bigint",
                             ["lifeboat:\(name)"], doing: "computing the run lock key")
        guard let text = result.firstValue, let key = Int64(text) else {
            throw EngineError.failed("could not compute the run lock key for \(name)")
        }
        return key
    }

    /// Who holds the advisory lock `key` in this database: `pid 123, application_name 'x', …`.
    func lockHolder(_ key: Int64) throws -> String? {
        let bits = UInt64(bitPattern: key)
        let result = try run("""
            SELECT l.pid, a.application_name, a.usename, host(a.client_addr), a.backend_start
            FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid::bigint = $1::bigint AND l.objid::bigint = $2::bigint AND l.objsubid = 1
            LIMIT 1
            """, [String(bits >> 32), String(bits & 0xFFFF_FFFF)], doing: "finding the holder of the run lock")
        guard let row = result.rows.first, let pid = row[0] else { return nil }
        var parts = ["pid \(pid)", "application_name '\(row[1] ?? "")'"]
        if let user = row[2] { parts.append("user \(user)") }
        if let client = row[3] { parts.append("client \(client)") }
        if let started = row[4] { parts.append("connected since \(started)") }
        return parts.joined(separator: ", ")
    }
}
