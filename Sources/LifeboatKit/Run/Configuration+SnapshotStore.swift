import Foundation
import LifeboatS3
import LifeboatS3Store

// Which `SnapshotStore` a configuration's backups location means: a folder, or an S3 location
// `s3://BUCKET/PREFIX` (SPEC "Snapshot stores"). Nothing here connects: the S3 client is made
// when a store is first asked for, and talks to S3 only when a command uses the store.
extension Configuration {
    /// The snapshot store at `backupsDirectory`. Builds nothing on disk and connects to nothing.
    /// - Throws: `ConfigurationError.badOption` (exit 2) for an `s3://` location without
    ///   credentials or with a bad endpoint variable.
    public func makeSnapshotStore() throws -> any SnapshotStore {
        guard S3Location.isS3(backupsDirectory) else { return FolderSnapshotStore(directory: backupsDirectory) }
        return try S3StoreCache.shared.store(location: backupsDirectory, scratchParent: localScratchParent)
    }

    /// Where a run with a remote store keeps scratch files: beside a SQLite database (same disk,
    /// so a restore's download has the room the database needs), else the user's cache folder
    /// (`$XDG_CACHE_HOME/lifeboat`, `~/.cache/lifeboat`) — never a shared temporary folder.
    var localScratchParent: String {
        if databaseURL.engine == .sqlite, let path = databaseURL.path {
            return (URL(fileURLWithPath: path).standardizedFileURL.path as NSString).deletingLastPathComponent
        }
        let environment = ProcessInfo.processInfo.environment
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/lifeboat" }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/lifeboat").path
    }

    /// Refuses a location that names no store (an `s3://` one that does not parse), before a run touches anything.
    static func checkBackupsLocation(_ location: String) throws {
        guard S3Location.isS3(location) else { return }
        do {
            _ = try S3Location(location)
        } catch {
            throw ConfigurationError.badOption(flag: "--backups", value: shownLocation(location), reason: error.reason)
        }
    }

    /// The location as messages show it: whatever sits before an `@` could be a key, never echoed.
    static func shownLocation(_ location: String) -> String {
        let parts = location.split(separator: "@", maxSplits: 1)
        return parts.count == 2 ? "s3://…@" + parts[1] : location
    }
}

/// One S3 store per location and scratch folder for the process: `Lifeboat.snapshotStore` is asked
/// for many times in a run, and one client keeps its connections (and TLS sessions) between them.
final class S3StoreCache: @unchecked Sendable {
    static let shared = S3StoreCache()
    private let lock = NSLock()
    private var stores: [String: S3SnapshotStore] = [:]

    func store(location text: String, scratchParent: String) throws -> S3SnapshotStore {
        lock.lock()
        defer { lock.unlock() }
        let cacheKey = text + "\u{0}" + scratchParent
        if let store = stores[cacheKey] { return store }
        let location: S3Location
        let configuration: S3Configuration
        do {
            location = try S3Location(text)
        } catch {
            throw ConfigurationError.badOption(flag: "--backups", value: Configuration.shownLocation(text), reason: error.reason)
        }
        do {
            configuration = try S3Configuration.resolve()
        } catch let error as S3Error {
            throw ConfigurationError.badOption(flag: "--backups", value: location.description, reason: error.description)
        }
        let store = S3SnapshotStore(location: location, configuration: configuration, scratchParent: scratchParent)
        stores[cacheKey] = store
        return store
    }
}
