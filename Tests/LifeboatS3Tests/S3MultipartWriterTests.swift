import Crypto
import Foundation
import LifeboatS3
import Testing

/// The streaming multipart writer: 20 MiB written in 1 MiB pieces arrives byte for byte in parts of
/// 5 MiB, with the payload's SHA-256 computed on the way and never more than the part being filled
/// plus the parts in flight held; an abort leaves no upload behind.
@Suite(.enabled(if: S3TestServer.shouldRun, "needs LIFEBOAT_TEST_S3_ENDPOINT (scripts/test.sh)"))
struct S3MultipartWriterTests {
    @Test func twentyMebibytesUploadInBoundedMemory() async throws {
        let client = try S3TestServer.client()
        let bucket = try await S3TestServer.bucket(client)
        let partSize = 5 << 20
        let writer = S3MultipartWriter(client: client, bucket: bucket, key: "snap/big.gz", partSize: partSize, maxInFlight: 2)
        var expected = SHA256()
        for index in 0..<20 {
            let piece = S3TestServer.bytes(1 << 20, seed: UInt64(index))
            expected.update(data: piece)
            try await writer.write(piece)
        }
        let result = try await writer.finish()
        let expectedHash = expected.finalize().map { String(format: "%02x", $0) }.joined()

        #expect(result == S3MultipartWriter.Result(sha256: expectedHash, size: 20 << 20, parts: 4))
        #expect(await writer.peakBufferedBytes <= 3 * partSize)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-s3-writer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await client.getObject(bucket: bucket, key: "snap/big.gz", to: folder)
        let downloaded = try Data(contentsOf: folder)
        #expect(SHA256.hash(data: downloaded).map { String(format: "%02x", $0) }.joined() == expectedHash)
        #expect(try await client.listMultipartUploads(bucket: bucket).isEmpty)
    }

    @Test func anAbortLeavesNoUploadAndNoObject() async throws {
        let client = try S3TestServer.client()
        let bucket = try await S3TestServer.bucket(client)
        let writer = S3MultipartWriter(client: client, bucket: bucket, key: "snap/aborted.gz", partSize: 5 << 20, maxInFlight: 2)
        try await writer.write(S3TestServer.bytes(6 << 20, seed: 99))
        await writer.abort()
        #expect(try await client.listMultipartUploads(bucket: bucket).isEmpty)
        #expect(try await client.listObjects(bucket: bucket).isEmpty)
    }
}
