/// One migration as the reports of `status`, `plan`, `migrate` and `rollback` list it.
public struct MigrationEntry: Sendable, Codable, Equatable {
    public var version: String
    public var description: String
    public var checksum: String
    /// `applied`, `baseline`, `failed`, `pending`, `drift`, `missing`, or for a run `rolled_back`.
    public var status: String
    public var appliedAt: String?
    public var executionMs: Int?
    /// The file holding the up section, when there is one.
    public var file: String?
    /// `plan` only: how long the rehearsal took, nil when not rehearsed.
    public var rehearsalMs: Int?

    public init(version: String, description: String, checksum: String, status: String, appliedAt: String? = nil,
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

    enum CodingKeys: String, CodingKey {
        case version, description, checksum, status, file
        case appliedAt = "applied_at"
        case executionMs = "execution_ms"
        case rehearsalMs = "rehearsal_ms"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(description, forKey: .description)
        try container.encode(checksum, forKey: .checksum)
        try container.encode(status, forKey: .status)
        // The SPEC's keys are always present, null when unknown.
        try container.encode(appliedAt, forKey: .appliedAt)
        try container.encode(executionMs, forKey: .executionMs)
        try container.encodeIfPresent(file, forKey: .file)
        try container.encodeIfPresent(rehearsalMs, forKey: .rehearsalMs)
    }
}

extension MigrationEntry {
    /// The entry for a migration state as `status` shows it.
    public init(_ state: MigrationState) {
        self.init(version: state.version, description: state.description, checksum: state.checksum,
                  status: state.status.rawValue, appliedAt: state.record?.appliedAt,
                  executionMs: state.record?.executionMs, file: state.migration?.file)
    }
}
