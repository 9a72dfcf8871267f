/// What `status` shows: where the database stands against the migrations folder.
public struct StatusReport: Sendable, Codable {
    public var engine: String
    public var database: String
    public var currentVersion: String?
    public var appliedCount: Int
    public var pendingCount: Int
    public var failedCount: Int
    public var driftCount: Int
    public var missingCount: Int
    public var migrations: [MigrationEntry]
    public var latestSnapshot: SnapshotManifest?
    /// The first problem `migrate` would refuse (drift, a missing file, a dirty database), with
    /// its way out; nil when there is none.
    public var problem: CatalogError?
    /// The snapshot an interrupted restore was putting back (a `restoring` marker), nil when none.
    public var interruptedRestore: String?
    /// A pending migration below the newest applied one, which `migrate` refuses unless
    /// `--allow-out-of-order`: the message `migrate` would give, or nil. Reported, not an error
    /// of `status` itself (JSON `out_of_order`).
    public var outOfOrder: String?

    /// Something is wrong that `migrate` would refuse (exit 3): drift, missing files, a dirty database.
    public var hasProblems: Bool { problem != nil || failedCount + driftCount + missingCount > 0 }

    enum CodingKeys: String, CodingKey {
        case engine, database, migrations
        case currentVersion = "current_version"
        case appliedCount = "applied_count"
        case pendingCount = "pending_count"
        case failedCount = "failed_count"
        case driftCount = "drift_count"
        case missingCount = "missing_count"
        case latestSnapshot = "latest_snapshot"
        case interruptedRestore = "interrupted_restore"
        case outOfOrder = "out_of_order"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(engine, forKey: .engine)
        try container.encode(database, forKey: .database)
        try container.encode(currentVersion, forKey: .currentVersion)
        try container.encode(appliedCount, forKey: .appliedCount)
        try container.encode(pendingCount, forKey: .pendingCount)
        try container.encode(failedCount, forKey: .failedCount)
        try container.encode(driftCount, forKey: .driftCount)
        try container.encode(missingCount, forKey: .missingCount)
        try container.encode(migrations, forKey: .migrations)
        try container.encode(latestSnapshot, forKey: .latestSnapshot)
        try container.encode(interruptedRestore, forKey: .interruptedRestore)
        try container.encode(outOfOrder, forKey: .outOfOrder)
    }
}
