/// One migration as the reports of `status`, `plan`, `migrate` and `rollback` list it.
public struct MigrationEntry: Sendable, Codable, Equatable {
    public var version: String
    public var description: String
    public var checksum: String
    /// Where it stands (`status`, `verify`) or what the run did with it (`migrate`, `rollback`).
    public var status: MigrationStatus
    @JSONNull public var appliedAt: String?
    @JSONNull public var executionMs: Int?
    /// The file holding the up section, when there is one.
    public var file: String?
    /// `plan` only: how long the rehearsal took, nil when not rehearsed.
    public var rehearsalMs: Int?
    /// `migrate` only: how many times the migration was run again after a lock timeout
    /// (`--lock-retries`); nil (and absent from the JSON) in other reports.
    public var lockRetries: Int?
    /// `migrate` only: the sessions that were in the way at its last lock timeout; nil when none timed out.
    public var blockers: [LockHolder]?

    public init(version: String, description: String, checksum: String, status: MigrationStatus, appliedAt: String? = nil,
                executionMs: Int? = nil, file: String? = nil, rehearsalMs: Int? = nil) {
        self.version = version
        self.description = description
        self.checksum = checksum
        self.status = status
        self.appliedAt = appliedAt
        self.executionMs = executionMs
        self.file = file
        self.rehearsalMs = rehearsalMs
    }

}

extension MigrationEntry {
    /// The entry for a migration state as `status` shows it.
    public init(_ state: MigrationState) {
        self.init(version: state.version, description: state.description, checksum: state.checksum,
                  status: state.status, appliedAt: state.record?.appliedAt,
                  executionMs: state.record?.executionMs, file: state.migration?.file)
    }
}
