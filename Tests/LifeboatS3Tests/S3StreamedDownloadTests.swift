import Crypto
import Foundation
import LifeboatS3
import Testing

/// A GetObject to a file streams: a 32 MiB object (uploaded streamed from a file) arrives byte for
/// byte while the process's resident memory grows by far less than the object (sampled from
/// /proc/self/statm every few milliseconds during the download).
@Suite(.enabled(if: S3TestServer.shouldRun, "needs LIFEBOAT_TEST_S3_ENDPOINT (scripts/test.sh)"))
struct S3StreamedDownloadTests {
    /// The highest resident set size seen while it runs, sampled on a thread of its own.
    final class ResidentMemorySampler: @unchecked Sendable {
        private let lock = NSLock()
        private var running = true
        private var peak = 0
        private let done = DispatchSemaphore(value: 0)

        static func residentBytes() -> Int {
            guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
            let fields = text.split(separator: " ")
            return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
        }

        init() {
            Thread { [self] in
                while lock.withLock({ running }) {
                    let now = Self.residentBytes()
                    lock.withLock { peak = max(peak, now) }
                    usleep(2_000)
                }
                done.signal()
            }.start()
        }

        func stop() -> Int {
            lock.withLock { running = false }
            done.wait()
            return lock.withLock { peak }
        }
    }

    #if os(Linux)
    @Test func aLargeDownloadToAFileKeepsMemoryBounded() async throws {
        let client = try S3TestServer.client()
        let bucket = try await S3TestServer.bucket(client)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-s3-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let size = 32 << 20
        let source = folder.appendingPathComponent("source.bin")
        FileManager.default.createFile(atPath: source.path, contents: nil)
        var expected = SHA256()
        let writer = try FileHandle(forWritingTo: source)
        for index in 0..<(size >> 20) {
            let piece = S3TestServer.bytes(1 << 20, seed: UInt64(1000 + index))
            expected.update(data: piece)
            try writer.write(contentsOf: piece)
        }
        try writer.close()
        try await client.putObject(bucket: bucket, key: "big.bin", file: source)

        let destination = folder.appendingPathComponent("downloaded.bin")
        let before = ResidentMemorySampler.residentBytes()
        let sampler = ResidentMemorySampler()
        try await client.getObject(bucket: bucket, key: "big.bin", to: destination)
        let peak = sampler.stop()

        #expect(try FileManager.default.attributesOfItem(atPath: destination.path)[.size] as? Int == size)
        let handle = try FileHandle(forReadingFrom: destination)
        defer { try? handle.close() }
        var downloaded = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { downloaded.update(data: chunk) }
        #expect(downloaded.finalize() == expected.finalize())
        // Other tests share the process and allocate at the same time (the full suite has seen
        // 13.3 MiB of growth from them), so allow that noise: a download held in memory would add
        // at least the whole 32 MiB.
        #expect(peak - before < 24 << 20, "resident memory grew by \((peak - before) >> 20) MiB during a \(size >> 20) MiB download")
    }
    #endif
}
