import Foundation
import LifeboatS3
import Testing

/// PutObject, GetObject (to memory and streamed to a file), HeadObject, DeleteObject(s) against the
/// test server.
@Suite(.enabled(if: S3TestServer.shouldRun, "needs LIFEBOAT_TEST_S3_ENDPOINT (scripts/test.sh)"))
struct S3ObjectOperationsTests {
    @Test func putGetHeadDeleteRoundTrip() async throws {
        let client = try S3TestServer.client()
        let bucket = try await S3TestServer.bucket(client)
        let data = S3TestServer.bytes(100_000, seed: 1)
        try await client.putObject(bucket: bucket, key: "app/one two+€.bin", data: data)

        #expect(try await client.getObject(bucket: bucket, key: "app/one two+€.bin") == data)
        let head = try await client.headObject(bucket: bucket, key: "app/one two+€.bin")
        #expect(head.size == 100_000)
        #expect(!head.etag.isEmpty)

        try await client.deleteObject(bucket: bucket, key: "app/one two+€.bin")
        let error = await #expect(throws: S3Error.self) { try await client.headObject(bucket: bucket, key: "app/one two+€.bin") }
        #expect(error?.status == 404)
    }

    @Test func aFileUploadsStreamedAndDownloadsToAFile() async throws {
        let client = try S3TestServer.client()
        let bucket = try await S3TestServer.bucket(client)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-s3-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = S3TestServer.bytes(3_000_000, seed: 2)
        let source = folder.appendingPathComponent("source.bin")
        try data.write(to: source)

        try await client.putObject(bucket: bucket, key: "payload.gz", file: source)
        let destination = folder.appendingPathComponent("downloaded.bin")
        try await client.getObject(bucket: bucket, key: "payload.gz", to: destination)
        #expect(try Data(contentsOf: destination) == data)
    }

    @Test func aFailedDownloadLeavesNoFileAndNamesTheKey() async throws {
        let client = try S3TestServer.client()
        let bucket = try await S3TestServer.bucket(client)
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-s3-missing-\(UUID().uuidString)")
        let error = await #expect(throws: S3Error.self) {
            try await client.getObject(bucket: bucket, key: "nothing/here.json", to: destination)
        }
        #expect(error?.code == "NoSuchKey")
        #expect(error?.description.contains("s3://\(bucket)/nothing/here.json") == true)
        #expect(!FileManager.default.fileExists(atPath: destination.path))
    }

    @Test func deleteObjectsRemovesEveryKey() async throws {
        let client = try S3TestServer.client()
        let bucket = try await S3TestServer.bucket(client)
        let keys = (1...5).map { "p/\($0) & <x>.json" }
        for key in keys { try await client.putObject(bucket: bucket, key: key, data: Data(key.utf8)) }
        try await client.putObject(bucket: bucket, key: "keep.json", data: Data("k".utf8))

        try await client.deleteObjects(bucket: bucket, keys: keys)
        #expect(try await client.listObjects(bucket: bucket).map(\.key) == ["keep.json"])
    }
}
