import Foundation

/// Files only the owner may read, for scratch copies of a database.
///
/// In the core (not in Snapshots, next to `ScratchFolder`) because the engines make these files in
/// the scratch folder Run hands them, and an engine depends on the core alone.
public enum PrivateFile {
    /// Creates `path` empty and 0600 before a library (SQLite) opens it, so the file — and the
    /// journal SQLite gives the same mode — is never readable by others, whatever the umask.
    /// - Throws: `EngineError.snapshotFailed` (exit 5) naming the file, when it cannot be created.
    public static func create(_ path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw cannotCreate(path) }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0 else { throw cannotCreate(path) }
    }

    private static func cannotCreate(_ path: String) -> EngineError {
        .snapshotFailed("cannot write '\(path)' in the backups folder: \(String(cString: strerror(errno))); no snapshot was taken and the database is unchanged")
    }
}
