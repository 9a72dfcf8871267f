import Foundation
import LifeboatKit
import Testing

/// `GzipWriter`: its output is standard gzip that the real tools read back byte for byte.
@Suite("GzipWriter")
struct GzipWriterTests {
    typealias F = SnapshotFixtures

    @Test("gunzip reads a many-chunk output back byte for byte")
    func gunzipReadsOurOutput() throws {
        let scratch = try F.Scratch()
        let data = F.mixedBytes(1_500_000)
        let gz = scratch.file("out.gz")
        // 64 KiB chunks: ~23 members, so ordering and chunk edges are exercised.
        try F.gzip(data, to: gz, chunkSize: 65_536)
        let gunzip = try F.requireTool("gunzip", package: "gzip")
        let result = try F.run(gunzip, ["-c", gz], stdout: scratch.file("out"))
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try F.contents(scratch.file("out")) == data)
        #expect(try F.run(gunzip, ["-t", gz]).status == 0)
    }

    @Test("pigz reads our output back byte for byte", .enabled(if: F.pigzUsable, "pigz is not installed (apt-get install -y pigz)"))
    func pigzReadsOurOutput() throws {
        let scratch = try F.Scratch()
        let pigz = try F.requireTool("pigz")
        let data = F.mixedBytes(3_500_000, seed: 7)
        let gz = scratch.file("out.gz")
        // Default chunks: the first MiB in four members, then three more (1, 1 and ~0.34 MiB).
        try F.gzip(data, to: gz)
        let result = try F.run(pigz, ["-dc", gz], stdout: scratch.file("out"))
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try F.contents(scratch.file("out")) == data)
    }

    @Test("an empty input still makes a valid gzip file")
    func emptyInputIsValidGzip() throws {
        let scratch = try F.Scratch()
        let gz = scratch.file("empty.gz")
        let writer = try GzipWriter(path: gz)
        let summary = try writer.finish()
        #expect(summary.rawBytes == 0)
        #expect(summary.compressedBytes == 20)  // 10-byte header, 2-byte empty block, 8-byte trailer
        let gunzip = try F.requireTool("gunzip", package: "gzip")
        let result = try F.run(gunzip, ["-c", gz], stdout: scratch.file("out"))
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try F.contents(scratch.file("out")).isEmpty)
        #expect(try F.readAll(GzipReader(path: gz)).isEmpty)
    }

    @Test("the summary's sizes and SHA-256 are the file's")
    func summaryMatchesFile() throws {
        let scratch = try F.Scratch()
        let data = F.mixedBytes(700_000)
        let gz = scratch.file("out.gz")
        let summary = try F.gzip(data, to: gz, chunkSize: 100_000)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: gz)[.size] as? NSNumber).int64Value
        #expect(summary.rawBytes == Int64(data.count))
        #expect(summary.compressedBytes == size)
        #expect(summary.sha256 == (try F.sha256sum(gz, scratch: scratch)))
    }

    @Test("an output closure gets every member in order (the S3 store's upload), and an error it throws fails the writer")
    func outputClosureGetsTheSameBytesAsAFile() throws {
        let scratch = try F.Scratch()
        let data = F.mixedBytes(700_000)
        var received = Data()
        let writer = try GzipWriter(name: "s3://bucket/x.gz", chunkSize: 100_000) { received.append(contentsOf: $0) }
        try F.write(data, to: writer)
        let summary = try writer.finish()
        let gz = scratch.file("closure.gz")
        try received.write(to: URL(fileURLWithPath: gz))
        #expect(summary.compressedBytes == Int64(received.count))
        #expect(summary.sha256 == (try F.sha256sum(gz, scratch: scratch)))
        #expect(try F.readAll(try GzipReader(path: gz)) == data)

        struct Refused: Error {}
        let failing = try GzipWriter(name: "s3://bucket/y.gz", chunkSize: 100_000) { _ in throw Refused() }
        #expect(throws: Refused.self) {
            try F.write(data, to: failing)
            _ = try failing.finish()
        }
        #expect(throws: GzipError.writerClosed) { _ = try failing.finish() }
    }

    @Test("the first chunk's worth goes out in quarters, so a ~1 MB database is compressed on several cores; later chunks are whole",
          arguments: [(1_015_808, 4), (1 << 20, 4), (3_500_000, 7), (100, 1)])
    func firstChunkIsCutInQuarters(size: Int, members: Int) throws {
        var sizes: [Int] = []
        var stream = Data()
        let writer = try GzipWriter(name: "s3://bucket/ramp.gz") { bytes in
            sizes.append(bytes.count)
            stream.append(contentsOf: bytes)
        }
        let data = F.mixedBytes(size, seed: 11)
        try F.write(data, to: writer)
        let summary = try writer.finish()
        // The output closure gets one call per gzip member.
        #expect(sizes.count == members, "member sizes \(sizes)")
        #expect(summary.rawBytes == Int64(size))
        let scratch = try F.Scratch()
        try stream.write(to: URL(fileURLWithPath: scratch.file("ramp.gz")))
        let gunzip = try F.requireTool("gunzip", package: "gzip")
        #expect(try F.run(gunzip, ["-c", scratch.file("ramp.gz")], stdout: scratch.file("out")).status == 0)
        #expect(try F.contents(scratch.file("out")) == data)
    }

    @Test("levels 1 and 9 both round-trip, and 9 is smaller")
    func levelsOneAndNine() throws {
        let scratch = try F.Scratch()
        let data = F.compressibleBytes(2_000_000)
        let fast = try F.gzip(data, to: scratch.file("1.gz"), level: 1)
        let small = try F.gzip(data, to: scratch.file("9.gz"), level: 9)
        #expect(small.compressedBytes < fast.compressedBytes)
        let gunzip = try F.requireTool("gunzip", package: "gzip")
        for level in ["1", "9"] {
            #expect(try F.run(gunzip, ["-c", scratch.file("\(level).gz")], stdout: scratch.file(level)).status == 0)
            #expect(try F.contents(scratch.file(level)) == data)
        }
    }

    @Test("compressed size stays within 2% of gzip -6 on compressible data")
    func sizeCloseToGzip() throws {
        let scratch = try F.Scratch()
        let data = F.mixedBytes(4_000_000, seed: 3)
        try data.write(to: URL(fileURLWithPath: scratch.file("raw")))
        let ours = try F.gzip(data, to: scratch.file("ours.gz"), level: 6)
        let gzip = try F.requireTool("gzip")
        #expect(try F.run(gzip, ["-6", "-c", scratch.file("raw")], stdout: scratch.file("theirs.gz")).status == 0)
        let theirs = try F.contents(scratch.file("theirs.gz")).count
        #expect(Double(ours.compressedBytes) <= Double(theirs) * 1.02, "ours \(ours.compressedBytes), gzip \(theirs)")
    }

    @Test("a level outside 1…9 is refused as a usage error", arguments: [0, 10, -1])
    func invalidLevelIsRefused(level: Int) throws {
        let scratch = try F.Scratch()
        #expect(throws: GzipError.invalidLevel(level)) { try GzipWriter(path: scratch.file("x.gz"), level: level) }
        #expect(GzipError.invalidLevel(level).category == .usage)
        #expect(!FileManager.default.fileExists(atPath: scratch.file("x.gz")))
    }

    @Test("progress reports the raw bytes taken, ending at the total")
    func progressReportsBytesIn() throws {
        let scratch = try F.Scratch()
        let data = F.mixedBytes(1_000_000)
        var reports: [Int64] = []
        let writer = try GzipWriter(path: scratch.file("out.gz"), chunkSize: 65_536) { reports.append($0) }
        try F.write(data, to: writer)
        _ = try writer.finish()
        #expect(reports.count >= 15)
        #expect(reports == reports.sorted())
        #expect(reports.last == Int64(data.count))
    }

    @Test("a full disk is a typed snapshot error, and the writer then refuses more",
          .enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "needs /dev/full (Linux)"))
    func diskFullIsTyped() throws {
        let writer = try GzipWriter(path: "/dev/full", chunkSize: 65_536, maxChunksInFlight: 2)
        let data = F.randomBytes(1_000_000, seed: 1)
        var caught: GzipError?
        do {
            try F.write(data, to: writer)
            _ = try writer.finish()
        } catch let error as GzipError {
            caught = error
        }
        guard case .diskFull(path: "/dev/full", let reason)? = caught else {
            Issue.record("expected diskFull for /dev/full, got \(String(describing: caught))")
            return
        }
        #expect(reason.contains("No space left on device"), "\(reason)")
        #expect(caught?.category == .snapshot)
        #expect(throws: GzipError.writerClosed) { try F.write(Data([1, 2, 3]), to: writer) }
    }

    @Test("writing to a file descriptor leaves it open for the caller")
    func fileDescriptorStaysOpen() throws {
        let scratch = try F.Scratch()
        let path = scratch.file("fd.gz")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #expect(fd >= 0)
        defer { close(fd) }
        let writer = try GzipWriter(fileDescriptor: fd, name: path, level: 6)
        try F.write(Data("hello".utf8), to: writer)
        _ = try writer.finish()
        #expect(fcntl(fd, F_GETFD) != -1)
        #expect(try F.readAll(GzipReader(path: path)) == Data("hello".utf8))
    }

    @Test("a writer dropped without finish (a failed produce) is freed, closing its file, once its workers end")
    func droppedWriterIsSafe() throws {
        let scratch = try F.Scratch()
        weak var dropped: GzipWriter?
        do {
            let writer = try GzipWriter(path: scratch.file("dropped.gz"), chunkSize: 65_536)
            try F.write(F.mixedBytes(600_000), to: writer)
            dropped = writer
        }
        // Workers may still run; they own their buffers, not the writer, so it goes at once or
        // soon after: a writer kept alive would keep its descriptor open for the whole process.
        let deadline = Date().addingTimeInterval(5)
        while dropped != nil, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(dropped == nil, "a dropped GzipWriter was never freed")
    }
}
