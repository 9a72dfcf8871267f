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

    /// With a spool folder, parts are gathered in files there and uploaded from them: nothing of a
    /// part is held in memory, the object is byte for byte what was written, and every part file
    /// is gone after the upload (and after an abort).
    @Test func spooledPartsArriveWholeAndLeaveNoFile() async throws {
        let client = try S3TestServer.client()
        let bucket = try await S3TestServer.bucket(client)
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-s3-spool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: spool) }
        let writer = S3MultipartWriter(client: client, bucket: bucket, key: "snap/spooled.gz", partSize: 5 << 20,
                                       maxInFlight: 2, spoolFolder: spool)
        var expected = Data()
        // 700 KiB pieces: parts are cut inside a piece, and the last part is short.
        for index in 0..<17 {
            let piece = S3TestServer.bytes(700 << 10, seed: UInt64(100 + index))
            expected.append(piece)
            try await writer.write(piece)
        }
        let result = try await writer.finish()
        #expect(result.size == Int64(expected.count) && result.parts == 3)
        #expect(await writer.peakBufferedBytes == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).isEmpty)
        let downloaded = spool.appendingPathComponent("downloaded")
        try await client.getObject(bucket: bucket, key: "snap/spooled.gz", to: downloaded)
        #expect(try Data(contentsOf: downloaded) == expected)
        try FileManager.default.removeItem(at: downloaded)

        let aborted = S3MultipartWriter(client: client, bucket: bucket, key: "snap/spool-aborted.gz", partSize: 5 << 20,
                                        maxInFlight: 2, spoolFolder: spool)
        try await aborted.write(S3TestServer.bytes(7 << 20, seed: 5))
        await aborted.abort()
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).isEmpty)
        #expect(try await client.listMultipartUploads(bucket: bucket).isEmpty)
    }
}
