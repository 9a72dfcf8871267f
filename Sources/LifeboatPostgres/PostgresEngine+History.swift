import LifeboatCore

/// The history table: in the connection's current schema (the first of `search_path`), with the
/// SPEC's columns, its name always quoted.
extension PostgresEngine {
    public func ensureHistoryTable(_ table: HistoryTable) throws {
        guard try !historyTableExists(table) else { return }
        try run("""
            CREATE TABLE \(table.quoted) (
                version text PRIMARY KEY,
                description text NOT NULL,
                checksum text NOT NULL,
                status text NOT NULL,
                applied_at text NOT NULL,
                execution_ms bigint NOT NULL,
                applied_by text NOT NULL,
                snapshot_id text
            )
            """, doing: "creating the history table \(table.quoted)")
    }

    /// All rows, versions compared numerically (`2` before `10`, leading zeros ignored); empty when
    /// the table does not exist.
    public func readHistory(_ table: HistoryTable) throws -> [HistoryRecord] {
        guard try historyTableExists(table) else { return [] }
        let result = try run("""
            SELECT version, description, checksum, status, applied_at, execution_ms, applied_by, snapshot_id
            FROM \(table.quoted)
            ORDER BY length(ltrim(version, '0')), ltrim(version, '0'), version
            """, doing: "reading the history table \(table.quoted)")
        return try result.rows.map { row in
            let version = row[0] ?? ""
            guard let statusText = row[3], let status = HistoryRecord.Status(rawValue: statusText) else {
                throw EngineError.failed("the history table \(table.quoted) has an unknown status '\(row[3] ?? "NULL")' for version \(version)")
            }
            return HistoryRecord(version: version, description: row[1] ?? "", checksum: row[2] ?? "",
                                 status: status, appliedAt: row[4] ?? "", executionMs: Int(row[5] ?? "") ?? 0,
                                 appliedBy: row[6] ?? "", snapshotID: row[7])
        }
    }

    /// Inside a transaction opened with `begin`, the row travels with the `COMMIT` (see
    /// `transaction`); outside one (a no-transaction migration's `failed` row) it goes at once.
    public func insertHistory(_ record: HistoryRecord, into table: HistoryTable) throws {
        if case .open(let beginSent, let rows) = transaction {
            let values = try [record.version, record.description, record.checksum, record.status.rawValue,
                              record.appliedAt].map { try connection.literal($0) }
            let row = """
                INSERT INTO \(table.quoted)
                    (version, description, checksum, status, applied_at, execution_ms, applied_by, snapshot_id)
                VALUES (\(values.joined(separator: ", ")), \(record.executionMs), \(try connection.literal(record.appliedBy)), \
                \(try connection.literal(record.snapshotID)))
                """
            transaction = .open(beginSent: beginSent, historyRows: rows + [row])
            return
        }
        try run("""
            INSERT INTO \(table.quoted)
                (version, description, checksum, status, applied_at, execution_ms, applied_by, snapshot_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            [record.version, record.description, record.checksum, record.status.rawValue, record.appliedAt,
             String(record.executionMs), record.appliedBy, record.snapshotID],
            doing: "recording version \(record.version) in \(table.quoted)")
    }

    public func deleteHistory(version: String, from table: HistoryTable) throws {
        try run("DELETE FROM \(table.quoted) WHERE version = $1", [version],
                doing: "removing version \(version) from \(table.quoted)")
    }

    public func updateHistoryChecksum(version: String, checksum: String, in table: HistoryTable) throws {
        try run("UPDATE \(table.quoted) SET checksum = $2 WHERE version = $1", [version, checksum],
                doing: "updating the checksum of version \(version) in \(table.quoted)")
    }

    /// Whether the table is visible on the search path (`to_regclass` of the quoted name).
    func historyTableExists(_ table: HistoryTable) throws -> Bool {
        try run("SELECT to_regclass($1) IS NOT NULL", [table.quoted],
                doing: "looking for the history table \(table.quoted)").firstValue == "t"
    }
}
