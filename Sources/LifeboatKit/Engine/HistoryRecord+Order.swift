extension Array where Element == HistoryRecord {
    /// Rows in numeric version order (`2` before `10`), as every engine returns them.
    public func sortedByVersion() -> [HistoryRecord] {
        sorted { a, b in
            switch (MigrationVersion(a.version), MigrationVersion(b.version)) {
            case let (x?, y?) where x != y: return x < y
            default: return a.version < b.version
            }
        }
    }
}
