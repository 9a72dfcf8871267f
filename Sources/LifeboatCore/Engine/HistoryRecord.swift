/// One row of the history table, exactly the SPEC's columns.
public struct HistoryRecord: Sendable, Equatable, Codable {
    /// `applied`, `baseline`, `failed` (a no-transaction migration that did not finish), or
    /// `restoring` (the marker committed before an automatic or rollback's restore; see
    /// `HistoryRecord.restoringMarker`).
    public enum Status: String, Sendable, Codable {
        case applied
        case baseline
        case failed
        case restoring
    }

    /// The version as written in the file name (`0002`, not `2`).
    public var version: String
    public var description: String
    /// SHA-256 (lower-case hex) of the up section.
    public var checksum: String
    public var status: Status
    /// UTC, ISO-8601 with milliseconds.
    public var appliedAt: String
    /// Wall time of up + verify, in milliseconds.
    public var executionMs: Int
    /// `user@host` of the process that applied it.
    public var appliedBy: String
    /// The snapshot taken before the run that applied it, when there was one.
    public var snapshotID: String?

    public init(version: String, description: String, checksum: String, status: Status, appliedAt: String,
                executionMs: Int, appliedBy: String, snapshotID: String?) {
        self.version = version
        self.description = description
        self.checksum = checksum
        self.status = status
        self.appliedAt = appliedAt
        self.executionMs = executionMs
        self.appliedBy = appliedBy
        self.snapshotID = snapshotID
    }

    enum CodingKeys: String, CodingKey {
        case version, description, checksum, status
        case appliedAt = "applied_at"
        case executionMs = "execution_ms"
        case appliedBy = "applied_by"
        case snapshotID = "snapshot_id"
    }
}
