import Foundation
import LifeboatCore

extension PostgresEngine {
    /// `CREATE INDEX CONCURRENTLY` and friends cannot run inside the rehearsal's transaction.
    public var rehearsesNoTransactionMigrations: Bool { false }
    public var rehearsesOnACopy: Bool { false }

    /// Rehearses on this connection inside one transaction that is always rolled back; each
    /// migration's own transaction becomes a savepoint in it. The session's `lock_timeout` applies,
    /// so a rehearsal never queues behind production traffic for long.
    ///
    /// Sequences are not transactional in PostgreSQL: a rehearsal that inserts rows advances them
    /// even though it is rolled back. Their values are read before and put back afterwards — but
    /// only for a sequence still at the value the rehearsal left, so a value handed out to another
    /// session meanwhile is never handed out twice.
    public func rehearse<T>(scratch: URL, _ body: (DatabaseEngine) throws -> T) throws -> T {
        let before = try sequenceValues()
        try run("BEGIN", doing: "starting the rehearsal")
        inRehearsal = true
        let result: T
        do {
            result = try body(self)
        } catch {
            inRehearsal = false
            // Whatever the body left pending is dropped, never sent: the whole rehearsal goes.
            transaction = .idle
            _ = try? run("ROLLBACK", doing: "ending the rehearsal")
            try restoreSequences(before)
            throw error
        }
        inRehearsal = false
        transaction = .idle
        try run("ROLLBACK", doing: "ending the rehearsal")
        try restoreSequences(before)
        return result
    }

    /// `last_value` and `is_called` of every sequence in user schemas, by qualified name.
    private func sequenceValues() throws -> [String: (String, String)] {
        let names = try run("""
            SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
            """, doing: "listing sequences").rows.compactMap { $0.first ?? nil }
        var values: [String: (String, String)] = [:]
        for name in names {
            let row = try run("SELECT last_value::text, is_called::text FROM \(name)", doing: "reading sequence \(name)").rows.first
            if let last = row?[0], let called = row?[1] { values[name] = (last, called) }
        }
        return values
    }

    /// Puts back sequences the rehearsal advanced (compare-and-set against what it left).
    private func restoreSequences(_ before: [String: (String, String)]) throws {
        let after = try sequenceValues()
        for (name, old) in before {
            guard let now = after[name], now != old else { continue }
            try run("""
                SELECT setval('\(name.replacingOccurrences(of: "'", with: "''"))', $1::bigint, $2::boolean)
                WHERE (SELECT last_value::text FROM \(name)) = $3
                """, [old.0, old.1, now.0], doing: "putting back sequence \(name)")
        }
    }
}
