/// What a `migrate` run did: printed for humans, written as JSON by `--format json` and `--report`.
public struct MigrateReport: Sendable, Codable {
    /// Where and why a run stopped.
    public struct Failure: Sendable, Codable, Equatable {
        public var version: String
        public var file: String?
        public var line: Int?
        public var message: String
        /// After a lock timeout: the sessions that were in the way (`blockers` in the JSON, an
        /// empty list when none was found); nil (absent) for any other failure.
        public var blockers: [LockHolder]?

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
    @JSONNull public var snapshot: SnapshotManifest? = nil
    /// Whether the snapshot was restored after a failure.
    public var restored = false
    /// Whether the snapshot was deleted because the run failed without changing the database,
    /// which still equals it (SPEC "Snapshots").
    public var snapshotDeleted = false
    /// Whether the database differs from before the run now that it ended: something was
    /// committed (or a no-transaction migration stopped halfway) and not restored. Scripts read
    /// this rather than guessing from exit codes and counts.
    public var databaseChanged = false
    public var totalMs = 0
    /// True when nothing was pending.
    public var upToDate = false
    @JSONNull public var failure: Failure? = nil
    /// The version the database is at after the run.
    @JSONNull public var currentVersion: String? = nil
    /// Snapshot ids pruned after success (`--keep`).
    public var pruned: [String] = []
    /// Sessions the preflight found in the way (`--preflight warn`); nil (absent) when none.
    public var preflight: [LockHolder]?

    /// Migrations of this run that were committed (before any restore).
    public var committedCount: Int { migrations.filter(\.status.committedByRun).count }

    public init(engine: String, database: String) {
        self.engine = engine
        self.database = database
    }

}
