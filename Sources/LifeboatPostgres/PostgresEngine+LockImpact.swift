import Foundation
import LifeboatCore

/// `plan`'s lock-impact report (SPEC "PostgreSQL lock safety"): the rehearsal runs a migration
/// statement by statement and, after each, reads what its own backend holds in `pg_locks` and
/// whether a table's `relfilenode` changed (a rewrite). All of it inside the rehearsal's
/// transaction, so the locks read are exactly the ones a real run would take.
extension PostgresEngine: RehearsalMeasuring {
    /// Inside a rehearsal's transaction for that transaction only; in a scratch copy's session
    /// (`plan --rehearse-on copy`, whose migrations commit) for the session.
    public func limitRehearsal(until deadline: ContinuousClock.Instant) throws {
        let scope = inRehearsal ? "LOCAL " : ""
        try run("SET \(scope)statement_timeout = \(Self.milliseconds(until: deadline))", doing: "setting the rehearsal timeout")
    }

    public func executeMeasuring(_ statements: [SQLScript], excluding table: HistoryTable,
                                 deadline: ContinuousClock.Instant?, record: (StatementImpact) -> Void) throws {
        // Tables that existed before the migration: a table it creates is new, never "rewritten",
        // and nobody else can be waiting for it.
        let existing = try existingTables(excluding: table)
        var held = try heldLocks()
        for statement in statements {
            var files = try relationFiles(limitingTo: deadline)
            let started = ContinuousClock.now
            let tag = try executeOne(statement)
            let elapsed = (ContinuousClock.now - started).components
            let milliseconds = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
            let now = try heldLocks()
            let after = try relationFiles(limitingTo: nil)
            var strongest: [String: LockMode] = [:]
            var order: [String] = []
            for lock in now.subtracting(held).sorted(by: { $0.oid < $1.oid }) where existing[lock.oid] != nil {
                if strongest[lock.oid] == nil { order.append(lock.oid) }
                strongest[lock.oid] = max(strongest[lock.oid] ?? lock.mode, lock.mode)
            }
            held = now
            let locks = order.map { oid in
                TableLock(relation: existing[oid]!.name, mode: strongest[oid]!, sizeBytes: existing[oid]!.size)
            }
            let rewrites = existing.keys.sorted().filter { oid in
                guard let old = files.removeValue(forKey: oid), old != "0" else { return false }
                return after[oid] != old
            }.map { existing[$0]!.name }
            record(StatementImpact(line: statement.firstStatementLine, locks: locks, rewrites: rewrites,
                                   rows: Self.rowCount(fromTag: tag), milliseconds: milliseconds))
        }
    }

    // MARK: - Pieces

    /// Milliseconds until `deadline`, at least 1 (0 would mean no limit to the server).
    static func milliseconds(until deadline: ContinuousClock.Instant) -> Int {
        let left = deadline - ContinuousClock.now
        return max(1, Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
    }

    /// One statement as one simple query, with its command tag (for the row count).
    private func executeOne(_ statement: SQLScript) throws -> String? {
        try sendPending()
        let (completed, error, tag) = connection.executeScript(statement.text)
        if let error { throw statementError(error, in: statement, completedStatements: completed) }
        return tag
    }

    /// `INSERT 0 5` → 5, `UPDATE 3` → 3, `SELECT 2` (also `CREATE TABLE … AS`) → 2; nil for a
    /// tag without a count (`ALTER TABLE`), as `PQcmdTuples` reads it.
    static func rowCount(fromTag tag: String?) -> Int? {
        guard let tag, let last = tag.split(separator: " ").last,
              let first = tag.split(separator: " ").first,
              ["INSERT", "UPDATE", "DELETE", "SELECT", "MERGE", "MOVE", "FETCH", "COPY"].contains(String(first)) else { return nil }
        return Int(last)
    }

    /// User tables, partitioned tables and materialized views by oid: name and total size.
    private func existingTables(excluding table: HistoryTable) throws -> [String: (name: String, size: Int64?)] {
        let rows = try run("""
            SELECT c.oid::text, c.oid::regclass::text, pg_total_relation_size(c.oid)::text
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg_toast%' AND c.oid IS DISTINCT FROM to_regclass($1)
            """, [table.quoted], doing: "listing tables for the lock-impact report").rows
        var tables: [String: (name: String, size: Int64?)] = [:]
        for row in rows {
            guard let oid = row[0], let name = row[1] else { continue }
            tables[oid] = (name, row[2].flatMap { Int64($0) })
        }
        return tables
    }

    /// `relfilenode` of every table by oid; with a deadline, the rehearsal's `statement_timeout`
    /// is set to the time left in the same round trip.
    private func relationFiles(limitingTo deadline: ContinuousClock.Instant?) throws -> [String: String] {
        let limit = deadline.map { "SET LOCAL statement_timeout = \(Self.milliseconds(until: $0)); " } ?? ""
        let rows = try run(limit + "SELECT oid::text, relfilenode::text FROM pg_class WHERE relkind IN ('r', 'p', 'm')",
                           doing: "reading table files for the lock-impact report").rows
        var files: [String: String] = [:]
        for row in rows { if let oid = row[0], let file = row[1] { files[oid] = file } }
        return files
    }

    /// Table-level locks this backend holds, as (oid, mode) pairs.
    private func heldLocks() throws -> Set<HeldLock> {
        let rows = try run("""
            SELECT relation::text, mode FROM pg_locks
            WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, doing: "reading the rehearsal's locks").rows
        return Set(rows.compactMap { row in
            guard let oid = row[0], let mode = row[1].flatMap(LockMode.init(pgLocksMode:)) else { return nil }
            return HeldLock(oid: oid, mode: mode)
        })
    }
}

/// One row of `pg_locks` for the rehearsal's backend.
struct HeldLock: Hashable {
    let oid: String
    let mode: LockMode
}
