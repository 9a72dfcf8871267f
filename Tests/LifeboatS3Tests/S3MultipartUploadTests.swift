import Foundation
import LifeboatS3
import Testing

/// Multipart upload against the test server: three parts round-trip byte for byte; an aborted
/// upload is gone from ListMultipartUploads; an unknown upload id is S3's typed error (tested on
/// Abort: moto answers UploadPart and Complete for an unknown id with a bare HTTP 500).
@Suite(.enabled(if: S3TestServer.shouldRun, "needs LIFEBOAT_TEST_S3_ENDPOINT (scripts/test.sh)"))
struct S3MultipartUploadTests {
    @Test func threePartsRoundTripByteForByte() async throws {
        let client = try S3TestServer.client()
        let bucket = try await S3TestServer.bucket(client)
        let parts = [S3TestServer.bytes(5 << 20, seed: 10), S3TestServer.bytes(5 << 20, seed: 11), S3TestServer.bytes(123_457, seed: 12)]
        let id = try await client.createMultipartUpload(bucket: bucket, key: "snap/1.sqlite.gz")
        #expect(try await client.listMultipartUploads(bucket: bucket, prefix: "snap/").map(\.uploadID) == [id])

        var completed: [S3CompletedPart] = []
        for (index, part) in parts.enumerated() {
            completed.append(try await client.uploadPart(bucket: bucket, key: "snap/1.sqlite.gz", uploadID: id, partNumber: index + 1, data: part))
        }
        try await client.completeMultipartUpload(bucket: bucket, key: "snap/1.sqlite.gz", uploadID: id, parts: completed)

        #expect(try await client.getObject(bucket: bucket, key: "snap/1.sqlite.gz") == parts.reduce(Data(), +))
        #expect(try await client.listMultipartUploads(bucket: bucket).isEmpty)
    }

    @Test func abortLeavesNoUploadListed() async throws {
        let client = try S3TestServer.client()
        let bucket = try await S3TestServer.bucket(client)
        let id = try await client.createMultipartUpload(bucket: bucket, key: "snap/2.sqlite.gz")
        _ = try await client.uploadPart(bucket: bucket, key: "snap/2.sqlite.gz", uploadID: id, partNumber: 1, data: S3TestServer.bytes(1000, seed: 3))
        let other = try await client.createMultipartUpload(bucket: bucket, key: "snap/3.sqlite.gz")

        try await client.abortMultipartUpload(bucket: bucket, key: "snap/2.sqlite.gz", uploadID: id)
        let listed = try await client.listMultipartUploads(bucket: bucket, prefix: "snap/")
        #expect(listed.map { [$0.key, $0.uploadID] } == [["snap/3.sqlite.gz", other]])
        #expect(listed.allSatisfy { $0.initiated != nil })
        #expect(try await client.listObjects(bucket: bucket).isEmpty)
    }

    @Test func abortingAnUnknownUploadIsNoSuchUpload() async throws {
        let client = try S3TestServer.client()
        let bucket = try await S3TestServer.bucket(client)
        let error = await #expect(throws: S3Error.self) {
            try await client.abortMultipartUpload(bucket: bucket, key: "k", uploadID: "not-an-upload")
        }
        #expect(error?.code == "NoSuchUpload")
        #expect(error?.status == 404)
    }
}
