import Foundation
import LifeboatKit
import Testing

/// `FolderSnapshotStore.scan`: damaged manifests reported with a reason in words, and `delete` of
/// one snapshot's two files (`latest` skipping `pre-restore` is in `SnapshotStoreConformance`).
@Suite struct SnapshotScanTests {
    typealias F = SnapshotFixtures

    private func take(_ store: FolderSnapshotStore, identity: String = "/srv/app.sqlite", reason: SnapshotReason = .migrate) throws -> SnapshotManifest {
        try store.write(SnapshotRequest(engine: "sqlite", payloadExtension: "sqlite", database: "sqlite:" + identity, identity: identity,
                        schemaVersion: "0001", appliedCount: 1, reason: reason, label: nil, compressionLevel: 6,
                        engineVersions: [:], toolVersion: "1.0.0"), progress: nil) { sink in
            try F.write(Data("database bytes".utf8), to: sink)
        }
    }

    private func store(_ scratch: F.Scratch) -> FolderSnapshotStore {
        let clock = Clock()
        return FolderSnapshotStore(directory: scratch.file("backups"), clock: { clock.tick() })
    }

    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var now = Date(timeIntervalSince1970: 1_795_253_400)
        func tick() -> Date { lock.withLock { now += 1; return now } }
    }

    @Test func damagedManifestsCarryAReasonInWords() throws {
        let scratch = try F.Scratch()
        let store = store(scratch)
        let good = try take(store)
        let notJSON = try take(store), missingField = try take(store), noPayload = try take(store)
        let otherDatabase = try take(store, identity: "/srv/other.sqlite")
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: store.directory + "/" + notJSON.id + ".json"))
        for manifest in [missingField, otherDatabase] {
            let path = store.directory + "/" + manifest.id + ".json"
            var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            object.removeValue(forKey: "applied_count")
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        }
        try FileManager.default.removeItem(atPath: store.directory + "/" + noPayload.payload)

        let scan = try store.scan(identity: "/srv/app.sqlite")
        #expect(scan.snapshots.map(\.id) == [good.id])
        #expect(scan.damaged.map(\.id) == [noPayload.id, missingField.id, notJSON.id], "the other database's is left out")
        #expect(scan.damaged.map(\.reason) == ["its payload '\(noPayload.payload)' is missing",
                                               "the field 'applied_count' is missing", "it is not JSON"])
        #expect(scan.damaged(newerThan: scan.snapshots[0]).count == 3)
        #expect(try store.scan(identity: nil).damaged.count == 4)
    }

    @Test func deleteRemovesBothFiles() throws {
        let scratch = try F.Scratch()
        let store = store(scratch)
        let kept = try take(store), deleted = try take(store)
        try store.delete(deleted)
        #expect(try store.list(identity: nil).map(\.id) == [kept.id])
        #expect(!FileManager.default.fileExists(atPath: store.directory + "/" + deleted.payload))
        #expect(!FileManager.default.fileExists(atPath: store.directory + "/" + deleted.id + ".json"))
    }
}
