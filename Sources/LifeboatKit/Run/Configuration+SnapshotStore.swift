import Foundation

// Which `SnapshotStore` a configuration's backups location means (issue 11): a folder today; an
// `s3://` location is recognised so that it is refused clearly rather than taken for a folder
// named `s3:` (issue 12 builds that store).
extension Configuration {
    /// The snapshot store at `backupsDirectory`. Builds nothing on disk.
    /// - Throws: `ConfigurationError.badOption` (exit 2) for an `s3://` location, not built yet.
    public func makeSnapshotStore() throws -> any SnapshotStore {
        try Self.checkBackupsLocation(backupsDirectory)
        return FolderSnapshotStore(directory: backupsDirectory)
    }

    /// Refuses locations no store handles yet, before a run touches anything.
    static func checkBackupsLocation(_ location: String) throws {
        guard location.lowercased().hasPrefix("s3://") else { return }
        // Whatever sits before an `@` could be a key: never echo it.
        let shown = location.split(separator: "@", maxSplits: 1).count == 2
            ? "s3://…@" + location.split(separator: "@", maxSplits: 1)[1] : location
        throw ConfigurationError.badOption(
            flag: "--backups", value: shown,
            reason: "the S3 snapshot store is not built yet; give a local folder")
    }
}
