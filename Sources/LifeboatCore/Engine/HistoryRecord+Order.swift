extension Array where Element == HistoryRecord {
    /// Rows in numeric version order (`2` before `10`), as every engine returns them.
    ///
    /// Each version is parsed once, not once per comparison: a history of thousands of rows is
    /// read by every `status`.
    public func sortedByVersion() -> [HistoryRecord] {
        let keyed = map { (version: MigrationVersion($0.version), record: $0) }
        return keyed.sorted { a, b in
            switch (a.version, b.version) {
            case let (x?, y?) where x != y: return x < y
            default: return a.record.version < b.record.version
            }
        }.map(\.record)
    }
}
