import LifeboatCore
/// Why a snapshot was taken; recorded in the manifest so a person choosing one to restore can tell
/// the automatic backups of a run from their own.
public enum SnapshotReason: String, Sendable, Codable, CaseIterable {
    /// Before `migrate` applied anything.
    case migrate
    /// Before `rollback` ran down sections.
    case rollback
    /// `lifeboat snapshot`, asked for by a person.
    case manual
    /// The safety snapshot `restore` takes of the current state before replacing it.
    case preRestore = "pre-restore"
}
