/// How `migrate` should behave beyond the shared configuration.
public struct MigrateOptions: Sendable {
    /// What to do with the migrations this run committed when a later one fails.
    public enum OnFailure: String, Sendable, CaseIterable {
        /// Put the pre-run snapshot back: the database is exactly as before the run (default).
        case restore
        /// Leave the committed migrations applied.
        case keep
    }

    /// Apply migrations up to and including this version only.
    public var target: MigrationVersion?
    public var onFailure: OnFailure
    /// Skip the pre-run snapshot (then a failure cannot be undone by a restore).
    public var noSnapshot: Bool
    /// One transaction for the whole run.
    public var atomic: Bool
    /// Apply a pending migration older than the newest applied one.
    public var allowOutOfOrder: Bool
    /// Write the normalised schema here after a successful run.
    public var dumpSchema: String?
    /// How many more times a migration cancelled by a lock timeout is run (`--lock-retries`,
    /// default 3; see `LockRetry`).
    public var lockRetries: Int
    /// Sessions in the way before the first migration: warn or refuse (`--preflight`, `--preflight-max-age`).
    public var preflight: Preflight

    public init(target: MigrationVersion? = nil, onFailure: OnFailure = .restore, noSnapshot: Bool = false,
                atomic: Bool = false, allowOutOfOrder: Bool = false, dumpSchema: String? = nil,
                lockRetries: Int = 3, preflight: Preflight = Preflight()) {
        self.target = target
        self.onFailure = onFailure
        self.noSnapshot = noSnapshot
        self.atomic = atomic
        self.allowOutOfOrder = allowOutOfOrder
        self.dumpSchema = dumpSchema
        self.lockRetries = lockRetries
        self.preflight = preflight
    }
}
