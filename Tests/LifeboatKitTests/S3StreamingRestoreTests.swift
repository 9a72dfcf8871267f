import Foundation
import LifeboatKit
import LifeboatS3
import LifeboatS3Store
import Testing

/// `S3SnapshotStore.openStreaming`: the payload is read while it downloads, yet a payload changed
/// in the bucket is refused with the SHA-256 mismatch — from `read`, before the reader reports the
/// end — and not as the gzip damage the decompression meets first.
@Suite(.enabled(if: S3TestBucket.shouldRun, "needs LIFEBOAT_TEST_S3_ENDPOINT (scripts/test.sh)"))
struct S3StreamingRestoreTests {
    typealias F = SnapshotFixtures

    @Test func aPayloadChangedInTheBucketIsAChecksumMismatchFromRead() async throws {
        let scratch = try F.Scratch()
        let store = try await S3TestBucket.store(scratchParent: scratch.file("local"))
        let payload = F.mixedBytes(7_000_000, seed: 5)
        let manifest = try SnapshotStoreConformance.take(store, payload: payload)
        let key = store.location.key(manifest.payload)
        let client = S3Client(configuration: try S3TestBucket.configuration())
        var stored = try await client.getObject(bucket: store.location.bucket, key: key)
        // Inside the first download piece, so the decompression meets the damage long before the end.
        stored[stored.count / 10] ^= 0x01
        try await client.putObject(bucket: store.location.bucket, key: key, data: stored)
        let snapshot = try store.resolve(manifest.id, identity: "/srv/app.sqlite")

        let reader = try store.openStreaming(snapshot, expectedEngine: "sqlite")
        defer { reader.close() }
        #expect { try F.readAll(reader) } throws: { error in
            guard case SnapshotError.checksumMismatch(let id, _, _) = error else { return false }
            return id == manifest.id
        }
        #expect { try store.openVerified(snapshot, expectedEngine: "sqlite") } throws: { error in
            guard case SnapshotError.checksumMismatch = error else { return false }
            return true
        }
        // The scratch download is unlinked at once: nothing is left beside the database.
        let leftovers = FileManager.default.enumerator(atPath: scratch.file("local"))?.allObjects.compactMap { item -> String? in
            guard let relative = item as? String else { return nil }
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: scratch.file("local") + "/" + relative, isDirectory: &isFolder)
            return isFolder.boolValue ? nil : relative
        } ?? []
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}
