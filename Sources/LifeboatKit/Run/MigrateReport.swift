/// What a `migrate` run did: printed for humans, written as JSON by `--format json` and `--report`.
public struct MigrateReport: Sendable, Codable {
    /// Where and why a run stopped.
    public struct Failure: Sendable, Codable, Equatable {
        public var version: String
        public var file: String?
        public var line: Int?
        public var message: String

        /// Where `error` stopped the migration `version` written in `file`.
        init(version: String, file: String?, error: EngineError) {
            self.version = version
            self.file = file
            line = error.line
            message = error.description
        }
    }

    public var engine: String
    public var database: String
    /// Migrations run in this invocation, in order, with their times; a failed one last.
    public var migrations: [MigrationEntry] = []
    /// The snapshot taken before the run, nil when none was taken.
    public var snapshot: SnapshotManifest?
    /// Whether the snapshot was restored after a failure.
    public var restored = false
    /// Whether the snapshot was deleted because the run failed without changing the database,
    /// which still equals it (SPEC "Snapshots").
    public var snapshotDeleted = false
    public var totalMs = 0
    /// True when nothing was pending.
    public var upToDate = false
    public var failure: Failure?
    /// The version the database is at after the run.
    public var currentVersion: String?
    /// Snapshot ids pruned after success (`--keep`).
    public var pruned: [String] = []

    /// Migrations of this run that were committed (before any restore).
    public var committedCount: Int { migrations.filter { $0.status == "applied" || $0.status == "rolled_back" }.count }

    public init(engine: String, database: String) {
        self.engine = engine
        self.database = database
    }

    enum CodingKeys: String, CodingKey {
        case engine, database, migrations, snapshot, restored, failure, pruned
        case totalMs = "total_ms"
        case upToDate = "up_to_date"
        case currentVersion = "current_version"
        case snapshotDeleted = "snapshot_deleted"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(engine, forKey: .engine)
        try container.encode(database, forKey: .database)
        try container.encode(migrations, forKey: .migrations)
        try container.encode(snapshot, forKey: .snapshot)
        try container.encode(restored, forKey: .restored)
        try container.encode(snapshotDeleted, forKey: .snapshotDeleted)
        try container.encode(totalMs, forKey: .totalMs)
        try container.encode(upToDate, forKey: .upToDate)
        try container.encode(failure, forKey: .failure)
        try container.encode(currentVersion, forKey: .currentVersion)
        try container.encode(pruned, forKey: .pruned)
    }
}
