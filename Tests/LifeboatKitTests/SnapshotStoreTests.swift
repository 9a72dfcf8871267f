import Foundation
import LifeboatKit
import Testing

/// `FolderSnapshotStore`: atomic two-file snapshots, listing per database, resolving, verifying, pruning
/// — what only a folder has (files, modes, paths); what every store does is in `SnapshotStoreConformance`.
@Suite("SnapshotStore")
struct SnapshotStoreTests {
    typealias F = SnapshotFixtures

    /// A clock that starts at `start` and moves `step` seconds per reading (0: frozen).
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var now: Date
        private let step: TimeInterval
        init(start: Date = Date(timeIntervalSince1970: 1_795_253_400.123), step: TimeInterval = 1) {
            now = start
            self.step = step
        }
        func read() -> Date {
            lock.lock()
            defer { lock.unlock() }
            let value = now
            now += step
            return value
        }
    }

    private func store(_ scratch: F.Scratch, folder: String = "backups", clock: Clock = Clock()) -> FolderSnapshotStore {
        FolderSnapshotStore(directory: scratch.file(folder), clock: { clock.read() })
    }

    @discardableResult
    private func take(
        _ store: FolderSnapshotStore, payload: Data = Data("database bytes".utf8), identity: String = "/srv/app.sqlite",
        engine: String = "sqlite", version: String? = "0003", reason: SnapshotReason = .migrate,
        label: String? = nil, progress: ((Int64) -> Void)? = nil
    ) throws -> SnapshotManifest {
        try store.write(SnapshotRequest(
            engine: engine, payloadExtension: engine == "sqlite" ? "sqlite" : "dump", database: "sqlite:" + identity,
            identity: identity, schemaVersion: version, appliedCount: 3, reason: reason, label: label,
            compressionLevel: 6, engineVersions: ["sqlite_version": "3.45.1"], toolVersion: "1.0.0"),
            progress: progress
        ) { sink in try F.write(payload, to: sink) }
    }

    private func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber).intValue
    }

    private func files(_ store: FolderSnapshotStore) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: store.directory).sorted()
    }

    // MARK: - Writing

    @Test("write makes a payload gunzip reads and a manifest that describes it")
    func writeMakesTwoFiles() throws {
        let scratch = try F.Scratch()
        let store = store(scratch)
        let payload = F.mixedBytes(2_500_000)
        var progress: [Int64] = []
        let manifest = try take(store, payload: payload, label: "before launch") { progress.append($0) }

        #expect(manifest.id == "20261121T093000123Z-0003")
        #expect(manifest.payload == "20261121T093000123Z-0003.sqlite.gz")
        #expect(try files(store) == ["20261121T093000123Z-0003.json", "20261121T093000123Z-0003.sqlite.gz"])
        #expect(manifest.rawBytes == Int64(payload.count))
        #expect(manifest.createdAtText == "2026-11-21T09:30:00.123Z")
        #expect(manifest.label == "before launch")
        #expect(manifest.reason == .migrate)
        #expect(manifest.databaseIdentity == "/srv/app.sqlite")
        #expect(progress.last == Int64(payload.count))

        let payloadPath = store.directory + "/" + manifest.payload
        #expect(manifest.sha256 == (try F.sha256sum(payloadPath, scratch: scratch)))
        #expect(manifest.compressedBytes == Int64(try F.contents(payloadPath).count))
        let gunzip = try F.requireTool("gunzip", package: "gzip")
        #expect(try F.run(gunzip, ["-c", payloadPath], stdout: scratch.file("out")).status == 0)
        #expect(try F.contents(scratch.file("out")) == payload)

        let onDisk = try SnapshotManifest.decode(F.contents(store.directory + "/" + manifest.id + ".json"))
        #expect(onDisk == manifest)
    }

    @Test("the folder is created 0700 (parents too) and the files are 0600")
    func permissions() throws {
        let scratch = try F.Scratch()
        let store = store(scratch, folder: "deep/er/backups")
        let previous = umask(0o022)
        defer { umask(previous) }
        let manifest = try take(store)
        #expect(try mode(store.directory) == 0o700)
        #expect(try mode(store.directory + "/" + manifest.payload) == 0o600)
        #expect(try mode(store.directory + "/" + manifest.id + ".json") == 0o600)
    }

    @Test("a produce that throws leaves no file behind, not even a partial one")
    func failedProduceLeavesNothing() throws {
        let scratch = try F.Scratch()
        let store = store(scratch)
        try take(store, identity: "/other.sqlite")
        let before = try files(store)
        SnapshotStoreConformance.expectFailedWrite(store)
        #expect(try files(store) == before)
        #expect(try store.list(identity: "/srv/app.sqlite").isEmpty)
    }

    @Test("two snapshots in the same millisecond get distinct ids, one millisecond apart")
    func idsAreUnique() throws {
        let scratch = try F.Scratch()
        let store = store(scratch, clock: Clock(step: 0))
        let first = try take(store)
        let second = try take(store)
        let third = try take(store, version: "0004")
        #expect(first.id == "20261121T093000123Z-0003")
        #expect(second.id == "20261121T093000124Z-0003")
        #expect(third.id == "20261121T093000125Z-0004")
        #expect(try store.list(identity: nil).map(\.id) == [third.id, second.id, first.id])
    }

    @Test("a backups path that cannot be a folder is a snapshot error (exit 5)")
    func folderCannotBeCreated() throws {
        let scratch = try F.Scratch()
        _ = FileManager.default.createFile(atPath: scratch.file("afile"), contents: Data())
        for folder in ["afile", "afile/backups"] {
            let store = store(scratch, folder: folder)
            #expect {
                try take(store)
            } throws: { error in
                (error as? SnapshotError)?.category == .snapshot
            }
        }
    }

    @Test("an invalid compression level is refused before any file is made")
    func invalidLevel() throws {
        let scratch = try F.Scratch()
        let store = store(scratch)
        #expect(throws: GzipError.invalidLevel(0)) {
            try store.write(SnapshotRequest(
                engine: "sqlite", payloadExtension: "sqlite", database: "d", identity: "i", schemaVersion: nil,
                appliedCount: 0, reason: .manual, label: nil, compressionLevel: 0, engineVersions: [:],
                toolVersion: "1"), progress: nil) { _ in }
        }
        #expect(!FileManager.default.fileExists(atPath: store.directory))
    }

    // MARK: - Listing and resolving

    @Test("resolve finds latest of this database, an id, a manifest path and a payload path")
    func resolve() throws {
        let scratch = try F.Scratch()
        let store = store(scratch)
        let old = try take(store, identity: "/a.sqlite", version: "1")
        let new = try take(store, identity: "/a.sqlite", version: "2")
        let other = try take(store, identity: "/b.sqlite", version: "9")

        #expect(try store.resolve("latest", identity: "/a.sqlite").id == new.id)
        #expect(try store.resolve("latest", identity: "/b.sqlite").id == other.id)
        let byID = try store.resolve(old.id, identity: "/a.sqlite")
        #expect(byID.manifest == old)
        #expect(byID.payloadPath == store.directory + "/" + old.payload)
        #expect(try store.resolve(store.directory + "/" + old.id + ".json", identity: "/a.sqlite").id == old.id)
        #expect(try store.resolve(store.directory + "/" + old.payload, identity: "/a.sqlite").id == old.id)
    }

    @Test("an unknown id or path is an unknown snapshot (exit 2)")
    func unknownReference() throws {
        let scratch = try F.Scratch()
        let store = store(scratch)
        try take(store)
        for reference in ["20200101T000000000Z-1", scratch.file("nope.json"), "yesterday"] {
            #expect { try store.resolve(reference, identity: "/srv/app.sqlite") } throws: { F.isUnknownSnapshot($0, reference) }
        }
        #expect(ConfigurationError.unknownSnapshot("x").category == .usage)
    }

    @Test("a payload without a manifest is never listed, refused by path, and removed as a leftover")
    func payloadWithoutManifest() throws {
        let scratch = try F.Scratch()
        let store = store(scratch)
        let kept = try take(store, version: "1")
        let orphan = try take(store, version: "2")
        try FileManager.default.removeItem(atPath: store.directory + "/" + orphan.id + ".json")
        // What an interrupted write leaves: temporary files.
        let partials = [".20261121T093000999Z-3.sqlite.gz.partial", ".20261121T093000999Z-3.json.partial"]
        for name in partials { _ = FileManager.default.createFile(atPath: store.directory + "/" + name, contents: Data("x".utf8)) }
        // Files that are not ours stay.
        _ = FileManager.default.createFile(atPath: store.directory + "/notes.txt.gz", contents: Data())
        _ = FileManager.default.createFile(atPath: store.directory + "/.gitkeep", contents: Data())

        #expect(try store.list(identity: nil).map(\.id) == [kept.id])
        #expect { try store.resolve(orphan.id, identity: "/srv/app.sqlite") } throws: { F.isUnknownSnapshot($0, orphan.id) }
        let orphanPath = store.directory + "/" + orphan.payload
        #expect(throws: SnapshotError.incomplete(payload: orphanPath)) { try store.resolve(orphanPath, identity: "/srv/app.sqlite") }
        #expect(SnapshotError.incomplete(payload: orphanPath).category == .snapshot)

        let removed = try store.removeLeftovers()
        #expect(removed == (partials + [orphan.payload]).sorted())
        #expect(try files(store) == [".gitkeep", kept.id + ".json", kept.payload, "notes.txt.gz"].sorted())
        #expect(try store.list(identity: nil).map(\.id) == [kept.id])
    }

    @Test("a manifest whose payload is gone is not listed, and by id says the payload is missing")
    func manifestWithoutPayload() throws {
        let scratch = try F.Scratch()
        let store = store(scratch)
        let manifest = try take(store)
        try FileManager.default.removeItem(atPath: store.directory + "/" + manifest.payload)
        #expect(try store.list(identity: nil).isEmpty)
        #expect {
            try store.resolve(manifest.id, identity: "/srv/app.sqlite")
        } throws: { error in
            if case .missingPayload? = error as? SnapshotError { return true }
            return false
        }
    }

    @Test("an unparseable manifest is skipped by list, and its payload is not removed")
    func damagedManifest() throws {
        let scratch = try F.Scratch()
        let store = store(scratch)
        let manifest = try take(store)
        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: store.directory + "/" + manifest.id + ".json"))
        #expect(try store.list(identity: nil).isEmpty)
        #expect(try store.removeLeftovers().isEmpty)
        #expect(FileManager.default.fileExists(atPath: store.directory + "/" + manifest.payload))
    }

    // MARK: - Verifying

    @Test("openVerified refuses a payload whose SHA-256 no longer matches", arguments: [false, true])
    func checksumMismatch(appendInstead: Bool) throws {
        let scratch = try F.Scratch()
        let store = store(scratch)
        let manifest = try take(store, payload: F.mixedBytes(300_000))
        let path = store.directory + "/" + manifest.payload
        var bytes = try F.contents(path)
        if appendInstead { bytes.append(0) } else { bytes[bytes.count / 2] ^= 0x01 }
        try bytes.write(to: URL(fileURLWithPath: path))
        let snapshot = try store.resolve(manifest.id, identity: "/srv/app.sqlite")
        #expect {
            try store.openVerified(snapshot, expectedEngine: "sqlite")
        } throws: { error in
            guard case .checksumMismatch(let id, let expected, _)? = error as? SnapshotError else { return false }
            return id == manifest.id && expected == manifest.sha256 && (error as? SnapshotError)?.category == .snapshot
        }
    }

    @Test("openVerified refuses a manifest format it does not know")
    func unsupportedFormat() throws {
        let scratch = try F.Scratch()
        let store = store(scratch)
        var manifest = try take(store)
        manifest.format = 2
        try manifest.jsonData().write(to: URL(fileURLWithPath: store.directory + "/" + manifest.id + ".json"))
        let snapshot = try store.resolve(manifest.id, identity: "/srv/app.sqlite")
        #expect(throws: SnapshotError.unsupportedFormat(id: manifest.id, format: 2)) {
            try store.openVerified(snapshot, expectedEngine: "sqlite")
        }
    }

    // MARK: - Pruning

    @Test("prune removes both files of each pruned snapshot, and only those")
    func pruneRemovesFiles() throws {
        let scratch = try F.Scratch()
        let store = store(scratch)
        let a = try (1...3).map { try take(store, identity: "/a.sqlite", version: "\($0)") }
        let b = try take(store, identity: "/b.sqlite", version: "1")
        #expect(try store.prune(keep: 1, identity: "/a.sqlite") == a.prefix(2).map(\.id))
        let kept = [a[2], b].flatMap { [$0.id + ".json", $0.payload] }.sorted()
        #expect(try files(store) == kept)
    }

}
