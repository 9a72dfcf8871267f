/// Where one migration stands, or how a run left it: the one vocabulary of the `status` field of
/// every report (`status`, `plan`, `migrate`, `rollback`, `verify`). The raw values are the SPEC's
/// JSON strings.
///
/// The history table's own column (`HistoryRecord.Status`) stays a separate, smaller type: it is
/// what a row can hold on disk, including the `restoring` marker, which is no migration's status.
public enum MigrationStatus: String, Sendable, Codable, CaseIterable {
    // Where a migration stands (`status`, `verify`): the files against the history table.
    case applied, baseline, failed, pending, drift, missing
    /// `repair`: its recorded checksum now is the file's.
    case repaired
    /// `rollback` undid it.
    case rolledBack = "rolled_back"
    /// `--atomic`: it ran, but the run's one transaction was rolled back with a later failure.
    case notCommitted = "not_committed"
    /// `plan`: it ran without error on the throwaway copy.
    case rehearsed
    /// `plan`: not run because an earlier migration failed in the rehearsal.
    case notReached = "not_reached"
    /// `plan`: a no-transaction migration the engine cannot rehearse.
    case notRehearsed = "not_rehearsed"

    /// A run changed the database with it (committed, before any restore).
    public var committedByRun: Bool { self == .applied || self == .rolledBack }

    /// The history says it is in the database.
    public var isApplied: Bool { self == .applied || self == .baseline }
}
