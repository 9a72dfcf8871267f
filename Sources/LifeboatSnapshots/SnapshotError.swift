import LifeboatCore
/// A snapshot could not be written, found intact, or used (exit 5).
///
/// Messages name the folder or file and say what to do. None of these happen after a database was
/// changed by the store: writing a snapshot only reads the database, and `openVerified` fails before
/// any restore begins, so "the database is unchanged" holds for every case.
public enum SnapshotError: LifeboatError, Equatable {
    /// The backups folder is missing and cannot be created, or is not a folder.
    case cannotCreateFolder(path: String, reason: String)
    /// A file in the backups folder cannot be written, synced, renamed or removed.
    case cannotWrite(path: String, reason: String)
    /// The backups folder or a manifest cannot be read.
    case cannotRead(path: String, reason: String)
    /// A manifest does not parse.
    case badManifest(path: String, reason: String)
    /// A payload was given by path but has no manifest next to it: a leftover of an interrupted
    /// snapshot, not a snapshot.
    case incomplete(payload: String)
    /// The manifest's payload file is missing.
    case missingPayload(id: String, path: String)
    /// The manifest was written by a newer Lifeboat.
    case unsupportedFormat(id: String, format: Int)
    /// The snapshot was taken from another kind of database than the target.
    case engineMismatch(id: String, snapshotEngine: String, targetEngine: String)
    /// The payload's SHA-256 (or size) is not the one recorded in the manifest.
    case checksumMismatch(id: String, expected: String, actual: String)
    /// An engine version key is not of the form `<name>_version`, or collides with a manifest key.
    case badEngineVersionKey(String)

    public var category: ErrorCategory { .snapshot }

    public var description: String {
        switch self {
        case .cannotCreateFolder(let path, let reason):
            return "cannot create the backups folder '\(path)': \(reason); no snapshot was taken and the database is unchanged; fix the permissions or point --backups (LIFEBOAT_BACKUPS) elsewhere"
        case .cannotWrite(let path, let reason):
            return "cannot write '\(path)' in the backups folder: \(reason); no snapshot was taken and the database is unchanged"
        case .cannotRead(let path, let reason):
            return "cannot read '\(path)': \(reason)"
        case .badManifest(let path, let reason):
            return "the snapshot manifest '\(path)' is damaged: \(reason); the database is unchanged; choose another snapshot (`lifeboat snapshots` lists them and the damaged ones)"
        case .incomplete(let payload):
            return "'\(payload)' has no manifest next to it: it is the leftover of an interrupted snapshot, not a snapshot; the database is unchanged (`lifeboat prune` removes leftovers; `gunzip -c` still reads it by hand)"
        case .missingPayload(let id, let path):
            return "snapshot \(id) is incomplete: its payload '\(path)' is missing; the database is unchanged; choose another snapshot"
        case .unsupportedFormat(let id, let format):
            return "snapshot \(id) has manifest format \(format), which this version of lifeboat does not read (it reads format \(SnapshotManifest.currentFormat)); use a newer lifeboat; the database is unchanged"
        case .engineMismatch(let id, let snapshotEngine, let targetEngine):
            return "snapshot \(id) is a \(snapshotEngine) snapshot and the target is a \(targetEngine) database; the database is unchanged; choose a \(targetEngine) snapshot"
        case .checksumMismatch(let id, let expected, let actual):
            return "snapshot \(id) is damaged: its payload's SHA-256 is \(actual), the manifest records \(expected); the database is unchanged; choose another snapshot"
        case .badEngineVersionKey(let key):
            return "'\(key)' cannot be a manifest key for an engine version: use a name ending in '_version' that is not already a manifest key"
        }
    }
}
