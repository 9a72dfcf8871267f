import Foundation
import LifeboatKit
import LifeboatS3Store
import Testing

/// What every `SnapshotStore` must do, whatever holds its files (issue 11): one list of cases,
/// each a function of a fresh empty store, run for `FolderSnapshotStore` and (issue 12) for
/// `S3SnapshotStore` in a fresh bucket of the test S3 server (see `S3TestBucket`). Folder-only behaviour
/// (permissions, fsync, partial files, paths) stays in `SnapshotStoreTests` / `SnapshotScanTests`.
@Suite("SnapshotStore conformance")
struct SnapshotStoreConformance {
    typealias F = SnapshotFixtures
    struct Failure: Error, Equatable {}

    /// Makes a fresh, empty store; `scratch` lives as long as the test, for stores that need a folder.
    struct StoreFactory: Sendable, CustomTestStringConvertible {
        let name: String
        let make: @Sendable (F.Scratch) async throws -> any SnapshotStore
        var testDescription: String { name }
    }

    static let factories: [StoreFactory] = [
        StoreFactory(name: "folder") { scratch in
            // Each reading a second later, so ids differ and order by time.
            let clock = SnapshotScanTests.Clock()
            return FolderSnapshotStore(directory: scratch.file("backups"), clock: { clock.tick() })
        },
    ] + (S3TestBucket.shouldRun ? [
        StoreFactory(name: "s3") { scratch in
            let clock = SnapshotScanTests.Clock()
            return try await S3TestBucket.store(scratchParent: scratch.file("local"), clock: { clock.tick() })
        },
    ] : [])

    /// Fresh stores whose clock has stopped: every snapshot asks for the same millisecond.
    static let stoppedClockFactories: [StoreFactory] = [
        StoreFactory(name: "folder") { scratch in
            FolderSnapshotStore(directory: scratch.file("backups"), clock: { SnapshotIDClaimTests.instant })
        },
    ] + (S3TestBucket.shouldRun ? [
        StoreFactory(name: "s3") { scratch in
            try await S3TestBucket.store(scratchParent: scratch.file("local"), clock: { SnapshotIDClaimTests.instant })
        },
    ] : [])

    /// What the parallel writers below got, from several threads.
    final class Taken: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Result<SnapshotManifest, Error>] = []
        func add(_ result: Result<SnapshotManifest, Error>) { lock.lock(); results.append(result); lock.unlock() }
        var all: [Result<SnapshotManifest, Error>] { lock.lock(); defer { lock.unlock() }; return results }
    }

    /// A fleet's parallel targets share one store and may snapshot in the same millisecond at the
    /// same schema version: each must keep its own snapshot (an S3 store once gave two of them the
    /// same id, and the second upload replaced the first).
    @Test("snapshots taken at the same moment, in parallel, each keep their own id", arguments: stoppedClockFactories)
    func simultaneousSnapshots(_ factory: StoreFactory) async throws {
        let scratch = try F.Scratch()
        let store = try await factory.make(scratch)
        let taken = Taken()
        let count = 4
        DispatchQueue.concurrentPerform(iterations: count) { index in
            taken.add(Result { try Self.take(store, payload: Data("tenant \(index)".utf8), identity: "/srv/t\(index).sqlite") })
        }
        let manifests = try taken.all.map { try $0.get() }
        #expect(Set(manifests.map(\.id)).count == count, "\(manifests.map(\.id))")
        let listed = try store.list(identity: nil)
        #expect(Set(listed.map(\.databaseIdentity)) == Set((0..<count).map { "/srv/t\($0).sqlite" }), "\(listed.map(\.id))")
        for manifest in listed {
            let reader = try store.openVerified(try store.resolve(manifest.id, identity: manifest.databaseIdentity), expectedEngine: "sqlite")
            let tenant = manifest.databaseIdentity.dropFirst("/srv/t".count).prefix { $0 != "." }
            #expect(try F.readAll(reader) == Data("tenant \(tenant)".utf8))
        }
    }

    /// One conformance case: a name for the report and the check, given a fresh empty store.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let check: @Sendable (any SnapshotStore) throws -> Void
        var testDescription: String { name }
    }

    @Test("every store passes every case", arguments: factories, cases)
    func conforms(_ factory: StoreFactory, _ item: Case) async throws {
        let scratch = try F.Scratch()
        try item.check(try await factory.make(scratch))
    }

    @discardableResult
    static func take(
        _ store: any SnapshotStore, payload: Data = Data("database bytes".utf8), identity: String = "/srv/app.sqlite",
        version: String? = "0003", reason: SnapshotReason = .migrate
    ) throws -> SnapshotManifest {
        try store.write(SnapshotRequest(
            engine: "sqlite", payloadExtension: "sqlite", database: "sqlite:" + identity, identity: identity,
            schemaVersion: version, appliedCount: 3, reason: reason, label: nil, compressionLevel: 6,
            engineVersions: ["sqlite_version": "3.45.1"], toolVersion: "1.0.0"), progress: nil
        ) { sink in try F.write(payload, to: sink) }
    }

    /// Writes a snapshot of `/srv/app.sqlite` whose producer fails after 3 MB, and expects that
    /// failure to come through unchanged; also used by the folder's own file-level test.
    static func expectFailedWrite(_ store: any SnapshotStore) {
        #expect(throws: Failure()) {
            try store.write(SnapshotRequest(
                engine: "sqlite", payloadExtension: "sqlite", database: "sqlite:/srv/app.sqlite", identity: "/srv/app.sqlite",
                schemaVersion: nil, appliedCount: 0, reason: .manual, label: nil, compressionLevel: 6,
                engineVersions: [:], toolVersion: "1.0.0"), progress: nil
            ) { sink in
                try F.write(F.mixedBytes(3_000_000), to: sink)
                throw Failure()
            }
        }
    }

    static let cases: [Case] = [
        Case(name: "an empty store has no snapshots, latest is unknown (exit 2), prune and leftovers do nothing") { (store: any SnapshotStore) throws in
            #expect(try store.list(identity: nil).isEmpty)
            #expect { try store.resolve("latest", identity: "/a") } throws: { F.isUnknownSnapshot($0, "latest") }
            #expect(try store.removeLeftovers().isEmpty)
            #expect(try store.prune(keep: 1, identity: "/a").isEmpty)
        },
        Case(name: "a produce that throws leaves nothing listed, and its error comes through") { (store: any SnapshotStore) throws in
            try take(store, identity: "/other.sqlite")
            let before = try store.list(identity: nil)
            expectFailedWrite(store)
            #expect(try store.list(identity: nil) == before)
            #expect(try store.list(identity: "/srv/app.sqlite").isEmpty)
            #expect(try store.removeLeftovers().isEmpty)
        },
        Case(name: "an empty payload is a valid snapshot") { (store: any SnapshotStore) throws in
            let manifest = try take(store, payload: Data(), version: nil)
            #expect(manifest.id.hasSuffix("-empty"))
            #expect(manifest.schemaVersion == nil)
            #expect(manifest.rawBytes == 0)
            let reader = try store.openVerified(store.resolve("latest", identity: "/srv/app.sqlite"), expectedEngine: "sqlite")
            defer { reader.close() }
            #expect(try F.readAll(reader).isEmpty)
        },
        Case(name: "list is newest first and filters by identity") { (store: any SnapshotStore) throws in
            let a1 = try take(store, identity: "/a.sqlite", version: "1")
            let b1 = try take(store, identity: "/b.sqlite", version: "1")
            let a2 = try take(store, identity: "/a.sqlite", version: "2")
            #expect(try store.list(identity: "/a.sqlite").map(\.id) == [a2.id, a1.id])
            #expect(try store.list(identity: "/b.sqlite").map(\.id) == [b1.id])
            #expect(try store.list(identity: nil).map(\.id) == [a2.id, b1.id, a1.id])
            #expect(try store.list(identity: "/c.sqlite").isEmpty)
        },
        Case(name: "latest skips pre-restore snapshots") { (store: any SnapshotStore) throws in
            let migrate = try take(store)
            _ = try take(store, reason: .preRestore)
            #expect(try store.scan(identity: "/srv/app.sqlite").latest?.id == migrate.id)
            #expect(try store.resolve("latest", identity: "/srv/app.sqlite").id == migrate.id)
        },
        Case(name: "openVerified streams back the exact payload") { (store: any SnapshotStore) throws in
            let payload = F.mixedBytes(1_300_000)
            let manifest = try take(store, payload: payload)
            let reader = try store.openVerified(store.resolve(manifest.id, identity: "/srv/app.sqlite"), expectedEngine: "sqlite")
            defer { reader.close() }
            #expect(try F.readAll(reader) == payload)
        },
        Case(name: "openStreaming streams back the exact payload, across several download pieces") { (store: any SnapshotStore) throws in
            // ~7 MB, half of it random: a payload of several 2 MiB ranged GETs in an S3 store.
            let payload = F.mixedBytes(7_000_000, seed: 11)
            let manifest = try take(store, payload: payload)
            let reader = try store.openStreaming(store.resolve(manifest.id, identity: "/srv/app.sqlite"), expectedEngine: "sqlite")
            defer { reader.close() }
            #expect(try F.readAll(reader) == payload)
        },
        Case(name: "openVerified refuses a snapshot of another engine, naming both") { (store: any SnapshotStore) throws in
            let manifest = try take(store)
            let snapshot = try store.resolve(manifest.id, identity: "/srv/app.sqlite")
            let expected = SnapshotError.engineMismatch(id: manifest.id, snapshotEngine: "sqlite", targetEngine: "postgres")
            #expect(throws: expected) { try store.openVerified(snapshot, expectedEngine: "postgres") }
            #expect(expected.description.contains("sqlite") && expected.description.contains("postgres"))
        },
        Case(name: "delete removes one snapshot and leaves the others") { (store: any SnapshotStore) throws in
            let kept = try take(store, version: "1")
            let gone = try take(store, version: "2")
            try store.delete(gone)
            #expect(try store.list(identity: nil).map(\.id) == [kept.id])
            #expect { try store.resolve(gone.id, identity: "/srv/app.sqlite") } throws: { F.isUnknownSnapshot($0, gone.id) }
        },
        Case(name: "prune keeps the newest N of this database and leaves other databases alone") { (store: any SnapshotStore) throws in
            var a: [SnapshotManifest] = []
            var b: [SnapshotManifest] = []
            for version in 1...5 {
                a.append(try take(store, identity: "/a.sqlite", version: "\(version)"))
                b.append(try take(store, identity: "/b.sqlite", version: "\(version)"))
            }
            #expect(try store.prune(keep: 2, identity: "/a.sqlite") == a.prefix(3).map(\.id))
            #expect(try store.list(identity: "/a.sqlite").map(\.id) == [a[4].id, a[3].id])
            #expect(try store.list(identity: "/b.sqlite").count == 5)
            #expect(try store.prune(keep: 2, identity: "/a.sqlite").isEmpty)
            #expect(try store.prune(keep: 0, identity: "/b.sqlite") == b.map(\.id))
            #expect(try store.list(identity: nil).count == 2)
        },
    ]
}
