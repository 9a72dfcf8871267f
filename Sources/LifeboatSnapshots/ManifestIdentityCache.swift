import Foundation

/// The database each manifest already read in this process belongs to, so that listing one
/// database's snapshots skips other databases' manifests without reading and decoding them again.
///
/// A fleet runs hundreds of databases in one process against one snapshot folder: without this,
/// every target decodes every manifest in the folder (hundreds of targets × hundreds of manifests),
/// which was half of a 500-tenant fleet's CPU time. An entry holds only while the file is the
/// same one: manifests are written beside and renamed into place, so a rewritten manifest is a
/// new file (another inode, size or modification time) and is read again. It keeps a path and an
/// identity string per manifest (about 200 bytes), not the manifest.
final class ManifestIdentityCache: @unchecked Sendable {
    static let shared = ManifestIdentityCache()

    /// What identifies one version of a file on disk.
    struct FileStamp: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int

        /// The stamp of the file at `path`, nil when it cannot be read (then nothing is cached).
        init?(path: String) {
            var info = stat()
            guard lstat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            #if canImport(Darwin)
            let modified = info.st_mtimespec
            #else
            let modified = info.st_mtim
            #endif
            modifiedSeconds = Int(modified.tv_sec)
            modifiedNanoseconds = Int(modified.tv_nsec)
        }
    }

    private let lock = NSLock()
    private var identities: [String: (stamp: FileStamp, identity: String)] = [:]

    /// The database identity of the manifest at `path` when this very file was read before.
    func identity(ofManifestAt path: String, stamp: FileStamp) -> String? {
        lock.lock(); defer { lock.unlock() }
        guard let entry = identities[path], entry.stamp == stamp else { return nil }
        return entry.identity
    }

    func remember(_ identity: String, ofManifestAt path: String, stamp: FileStamp) {
        lock.lock(); defer { lock.unlock() }
        identities[path] = (stamp, identity)
    }
}
