import LifeboatCore

extension SQLiteEngine {
    public func ensureHistoryTable(_ table: HistoryTable) throws {
        try connection.exec("""
            CREATE TABLE IF NOT EXISTS \(table.quoted) (
                version TEXT PRIMARY KEY NOT NULL,
                description TEXT NOT NULL,
                checksum TEXT NOT NULL,
                status TEXT NOT NULL,
                applied_at TEXT NOT NULL,
                execution_ms INTEGER NOT NULL,
                applied_by TEXT NOT NULL,
                snapshot_id TEXT
            )
            """)
    }

    public func readHistory(_ table: HistoryTable) throws -> [HistoryRecord] {
        let exists = try connection.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", bind: [table.name])
        guard !exists.isEmpty else { return [] }
        let statement = try connection.prepare("""
            SELECT version, description, checksum, status, applied_at, execution_ms, applied_by, snapshot_id
            FROM \(table.quoted)
            """)
        var records: [HistoryRecord] = []
        while try statement.step() {
            let statusText = statement.text(at: 3) ?? ""
            guard let status = HistoryRecord.Status(rawValue: statusText) else {
                throw EngineError.failed("history table \(table.name) holds an unknown status '\(statusText)'")
            }
            records.append(HistoryRecord(
                version: statement.text(at: 0) ?? "", description: statement.text(at: 1) ?? "",
                checksum: statement.text(at: 2) ?? "", status: status, appliedAt: statement.text(at: 4) ?? "",
                executionMs: Int(statement.int64(at: 5)), appliedBy: statement.text(at: 6) ?? "",
                snapshotID: statement.text(at: 7)))
        }
        return records.sortedByVersion()
    }

    public func insertHistory(_ record: HistoryRecord, into table: HistoryTable) throws {
        let statement = try connection.prepare("""
            INSERT INTO \(table.quoted)
                (version, description, checksum, status, applied_at, execution_ms, applied_by, snapshot_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.bind([record.version, record.description, record.checksum, record.status.rawValue,
                            record.appliedAt, String(record.executionMs), record.appliedBy, record.snapshotID])
        try statement.bind(Int64(record.executionMs), at: 6)
        _ = try statement.step()
    }

    public func deleteHistory(version: String, from table: HistoryTable) throws {
        let statement = try connection.prepare("DELETE FROM \(table.quoted) WHERE version = ?")
        try statement.bind([version])
        _ = try statement.step()
    }

    public func updateHistoryChecksum(version: String, checksum: String, in table: HistoryTable) throws {
        let statement = try connection.prepare("UPDATE \(table.quoted) SET checksum = ? WHERE version = ?")
        try statement.bind([checksum, version])
        _ = try statement.step()
    }
}
