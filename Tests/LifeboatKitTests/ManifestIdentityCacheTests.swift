import Foundation
import LifeboatKit
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fleet lists each target's snapshots in one shared folder: another database's manifest, once
/// read in this process, is not read and decoded again while it is the same file — and is read
/// again as soon as it is a different one (manifests are replaced by rename).
@Suite struct ManifestIdentityCacheTests {
    typealias F = SnapshotFixtures

    private func take(_ store: FolderSnapshotStore, identity: String) throws -> SnapshotManifest {
        try store.write(SnapshotRequest(engine: "sqlite", payloadExtension: "sqlite", database: "sqlite:" + identity, identity: identity,
                        schemaVersion: "0001", appliedCount: 1, reason: .migrate, label: nil, compressionLevel: 6,
                        engineVersions: [:], toolVersion: "1.0.0"), progress: nil) { sink in
            try F.write(Data("database bytes".utf8), to: sink)
        }
    }

    private func manifestPath(_ store: FolderSnapshotStore, _ manifest: SnapshotManifest) -> String {
        store.directory + "/" + manifest.id + ".json"
    }

    /// A store with one snapshot of a.sqlite and one of b.sqlite, listed once for a.sqlite (so
    /// b's manifest has been read in this process).
    private func twoDatabasesListedOnce() throws -> (F.Scratch, FolderSnapshotStore, mine: SnapshotManifest, other: SnapshotManifest) {
        let scratch = try F.Scratch()
        let store = FolderSnapshotStore(directory: scratch.file("backups"))
        let mine = try take(store, identity: "/srv/a.sqlite")
        let other = try take(store, identity: "/srv/b.sqlite")
        #expect(try store.scan(identity: "/srv/a.sqlite").snapshots.map(\.id) == [mine.id])
        return (scratch, store, mine, other)
    }

    @Test func anotherDatabasesManifestIsNotReadAgainWhileItIsTheSameFile() throws {
        let (scratch, store, mine, other) = try twoDatabasesListedOnce()
        defer { withExtendedLifetime(scratch) {} }

        // The other manifest's bytes change in place, its size and modification time kept: the
        // same file to the cache, so it is not read (uncached, it would be reported damaged).
        let path = manifestPath(store, other)
        var before = stat()
        #expect(lstat(path, &before) == 0)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data(repeating: UInt8(ascii: "x"), count: Int(before.st_size)))
        try handle.close()
        #if canImport(Darwin)
        var times = [before.st_atimespec, before.st_mtimespec]
        #else
        var times = [before.st_atim, before.st_mtim]
        #endif
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        let scan = try store.scan(identity: "/srv/a.sqlite")
        #expect(scan.snapshots.map(\.id) == [mine.id])
        #expect(scan.damaged.isEmpty, "\(scan.damaged)")
        // Listing every database reads every manifest, as before.
        #expect(try store.scan(identity: nil).damaged.map(\.id) == [other.id])
    }

    @Test func aManifestReplacedAfterAScanIsReadAgain() throws {
        let (scratch, store, mine, moved) = try twoDatabasesListedOnce()
        defer { withExtendedLifetime(scratch) {} }

        // Rewritten as the store writes: beside, then renamed into place (a new file).
        let path = manifestPath(store, moved)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        object["database_identity"] = "/srv/a.sqlite"
        object["database"] = "sqlite:/srv/a.sqlite"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path + ".new"))
        #expect(rename(path + ".new", path) == 0)
        #expect(try store.scan(identity: "/srv/a.sqlite").snapshots.map(\.id).sorted() == [mine.id, moved.id].sorted())
        #expect(try store.scan(identity: "/srv/b.sqlite").snapshots.isEmpty)
    }
}
