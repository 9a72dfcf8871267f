/// What `status` shows: where the database stands against the migrations folder.
public struct StatusReport: Sendable, Codable {
    public var engine: String
    public var database: String
    @JSONNull public var currentVersion: String?
    public var appliedCount: Int
    public var pendingCount: Int
    public var failedCount: Int
    public var driftCount: Int
    public var missingCount: Int
    public var migrations: [MigrationEntry]
    @JSONNull public var latestSnapshot: SnapshotManifest?
    /// The first problem `migrate` would refuse (drift, a missing file, a dirty database), with
    /// its way out; nil when there is none.
    public var problem: CatalogError?
    /// The snapshot an interrupted restore was putting back (a `restoring` marker), nil when none.
    @JSONNull public var interruptedRestore: String?
    /// A pending migration below the newest applied one, which `migrate` refuses unless
    /// `--allow-out-of-order`: the message `migrate` would give, or nil. Reported, not an error
    /// of `status` itself (JSON `out_of_order`).
    @JSONNull public var outOfOrder: String?

    /// Something is wrong that `migrate` would refuse (exit 3): drift, missing files, a dirty database.
    public var hasProblems: Bool { problem != nil || failedCount + driftCount + missingCount > 0 }

    /// What the JSON holds (names: `ReportJSON`); `problem` stays out of it (it is the error).
    enum CodingKeys: CodingKey {
        case engine, database, currentVersion, appliedCount, pendingCount, failedCount, driftCount, missingCount
        case migrations, latestSnapshot, interruptedRestore, outOfOrder
    }
}
