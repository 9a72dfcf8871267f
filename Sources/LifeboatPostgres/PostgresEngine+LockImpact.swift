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

    /// Two round trips per statement: the statement (behind the `statement_timeout` for the time
    /// left, in the same query), then one query for this backend's locks and the `relfilenode` of
    /// the tables it holds ACCESS EXCLUSIVE on, so a migration of many small statements (a seed)
    /// is not slowed by catalog scans.
    public func executeMeasuring(_ statements: [SQLScript], excluding table: HistoryTable,
                                 deadline: ContinuousClock.Instant?, record: (StatementImpact) -> Void) throws {
        // Tables that existed before the migration: a table it creates is new, never "rewritten",
        // and nobody else can be waiting for it.
        let existing = try existingTables(excluding: table)
        var (held, _) = try heldLocks()
        var files = existing.mapValues(\.file)
        for statement in statements {
            let started = ContinuousClock.now
            let tag = try executeOne(statement, limit: deadline)
            let elapsed = (ContinuousClock.now - started).components
            let milliseconds = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
            let (now, filesNow) = try heldLocks()
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
            var rewrites: [String] = []
            for (oid, file) in filesNow.sorted(by: { $0.key < $1.key }) {
                guard let known = existing[oid], let before = files[oid], before != "0", before != file else { continue }
                rewrites.append(known.name)
                files[oid] = file
            }
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

    /// One statement as one simple query, with its command tag (for the row count); with a
    /// deadline, `SET LOCAL statement_timeout` to the time left goes in front, in the same query.
    private func executeOne(_ statement: SQLScript, limit deadline: ContinuousClock.Instant?) throws -> String? {
        try sendPending()
        let prefix = deadline.map { "SET LOCAL statement_timeout = \(Self.milliseconds(until: $0));" } ?? ""
        let (completed, error, tag) = connection.executeScript(prefix + statement.text)
        if let error {
            throw statementError(error, in: statement, completedStatements: prefix.isEmpty ? completed : max(0, completed - 1),
                                 positionOffset: prefix.unicodeScalars.count)
        }
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

    /// User tables, partitioned tables and materialized views by oid: name, total size and
    /// `relfilenode` (0 for a partitioned table, which has no storage of its own).
    private func existingTables(excluding table: HistoryTable) throws -> [String: ExistingTable] {
        let rows = try run("""
            SELECT c.oid::text, c.oid::regclass::text, pg_total_relation_size(c.oid)::text, c.relfilenode::text
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg_toast%' AND c.oid IS DISTINCT FROM to_regclass($1)
            """, [table.quoted], doing: "listing tables for the lock-impact report").rows
        var tables: [String: ExistingTable] = [:]
        for row in rows {
            guard let oid = row[0], let name = row[1] else { continue }
            tables[oid] = ExistingTable(name: name, size: row[2].flatMap { Int64($0) }, file: row[3] ?? "0")
        }
        return tables
    }

    /// Table-level locks this backend holds, as (oid, mode) pairs, and the `relfilenode` of the
    /// tables it holds ACCESS EXCLUSIVE on (the only lock under which a table is rewritten), in
    /// one round trip.
    private func heldLocks() throws -> (locks: Set<HeldLock>, files: [String: String]) {
        let rows = try run("""
            WITH mine AS (
                SELECT relation, mode FROM pg_locks
                WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
            SELECT 'lock', relation::text, mode FROM mine
            UNION ALL
            SELECT 'file', c.oid::text, c.relfilenode::text FROM pg_class c
            WHERE c.oid IN (SELECT relation FROM mine WHERE mode = 'AccessExclusiveLock')
            """, doing: "reading the rehearsal's locks").rows
        var locks = Set<HeldLock>()
        var files: [String: String] = [:]
        for row in rows {
            guard let kind = row[0], let oid = row[1], let value = row[2] else { continue }
            if kind == "file" {
                files[oid] = value
            } else if let mode = LockMode(pgLocksMode: value) {
                locks.insert(HeldLock(oid: oid, mode: mode))
            }
        }
        return (locks, files)
    }
}

/// A table that existed before the migration, as the lock-impact report names it.
struct ExistingTable {
    let name: String
    let size: Int64?
    /// `relfilenode` before the migration.
    let file: String
}

/// One row of `pg_locks` for the rehearsal's backend.
struct HeldLock: Hashable {
    let oid: String
    let mode: LockMode
}
