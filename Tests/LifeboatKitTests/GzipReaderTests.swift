import Foundation
import LifeboatKit
import Testing

/// `GzipReader`: reads what the real tools write, and refuses anything damaged with a typed error.
@Suite("GzipReader")
struct GzipReaderTests {
    typealias F = SnapshotFixtures

    /// Writes `data` to a file and compresses it with an external tool into `<name>.gz`.
    private func compressWithTool(_ tool: String, _ arguments: [String], _ data: Data, scratch: F.Scratch, name: String = "raw") throws -> String {
        let raw = scratch.file(name)
        try data.write(to: URL(fileURLWithPath: raw))
        let gz = scratch.file(name + ".gz")
        let result = try F.run(tool, arguments + [raw], stdout: gz)
        try #require(result.status == 0, "\(tool) failed: \(result.standardError)")
        return gz
    }

    @Test("reads gzip -9 output")
    func readsGzipNine() throws {
        let scratch = try F.Scratch()
        let data = F.mixedBytes(1_200_000)
        // -N: gzip stores the name (FNAME) and mtime, as a person's `gzip -N file` does.
        let gz = try compressWithTool(F.requireTool("gzip"), ["-9", "-N", "-c"], data, scratch: scratch)
        let reader = try GzipReader(path: gz)
        #expect(try F.readAll(reader) == data)
        #expect(reader.memberCount == 1)
        #expect(reader.rawBytesRead == Int64(data.count))
    }

    @Test("reads pigz output", .enabled(if: F.pigzUsable, "pigz is not installed (apt-get install -y pigz)"))
    func readsPigz() throws {
        let scratch = try F.Scratch()
        let pigz = try F.requireTool("pigz")
        let data = F.mixedBytes(2_500_000, seed: 9)
        let gz = try compressWithTool(pigz, ["-6", "-p", "2", "-c"], data, scratch: scratch)
        #expect(try F.readAll(GzipReader(path: gz)) == data)
        // pigz -i: independent blocks; -N: name and time in the header.
        let gzi = try compressWithTool(pigz, ["-i", "-N", "-9", "-c"], data, scratch: scratch, name: "raw2")
        #expect(try F.readAll(GzipReader(path: gzi)) == data)
    }

    @Test("reads a multi-member file made by cat a.gz b.gz")
    func readsConcatenatedMembers() throws {
        let scratch = try F.Scratch()
        let gzip = try F.requireTool("gzip")
        let a = F.compressibleBytes(300_000)
        let b = F.randomBytes(200_000, seed: 5)
        let aGz = try compressWithTool(gzip, ["-c"], a, scratch: scratch, name: "a")
        let bGz = try compressWithTool(gzip, ["-c"], b, scratch: scratch, name: "b")
        let both = scratch.file("both.gz")
        try (F.contents(aGz) + F.contents(bGz)).write(to: URL(fileURLWithPath: both))
        let reader = try GzipReader(path: both)
        #expect(try F.readAll(reader, bufferSize: 4_099) == a + b)
        #expect(reader.memberCount == 2)
    }

    @Test("reads a header with FEXTRA, FNAME, FCOMMENT and FHCRC")
    func readsAllHeaderFields() throws {
        let scratch = try F.Scratch()
        let data = F.compressibleBytes(50_000)
        let plain = try F.contents(compressWithTool(F.requireTool("gzip"), ["-n", "-c"], data, scratch: scratch))
        var header: [UInt8] = [0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 0x10, 0x20, 0x30, 0x40, 0, 3]
        let extra: [UInt8] = Array("LB".utf8) + [4, 0] + Array("test".utf8)
        header += [UInt8(extra.count), 0] + extra
        header += Array("app.sqlite".utf8) + [0]
        header += Array("a comment".utf8) + [0]
        let crc = Self.crc32(header)
        header += [UInt8(crc & 0xff), UInt8((crc >> 8) & 0xff)]
        let gz = scratch.file("headers.gz")
        try (Data(header) + plain.dropFirst(10)).write(to: URL(fileURLWithPath: gz))
        #expect(try F.run(F.requireTool("gunzip", package: "gzip"), ["-t", gz]).status == 0)
        #expect(try F.readAll(GzipReader(path: gz)) == data)

        // A wrong header CRC is damage.
        var bad = try F.contents(gz)
        bad[header.count - 1] ^= 0xff
        try bad.write(to: URL(fileURLWithPath: gz))
        #expect(throws: GzipError.self) { try F.readAll(GzipReader(path: gz)) }
    }

    @Test("an empty gzip file (of nothing) reads as nothing")
    func readsEmptyMember() throws {
        let scratch = try F.Scratch()
        let gz = try compressWithTool(F.requireTool("gzip"), ["-c"], Data(), scratch: scratch)
        let reader = try GzipReader(path: gz)
        #expect(try F.readAll(reader).isEmpty)
        #expect(try F.readAll(reader).isEmpty)  // the end stays the end
    }

    @Test("a truncated file is refused", arguments: [1, 8, 5_000, 60_000])
    func truncatedIsRefused(cut: Int) throws {
        let scratch = try F.Scratch()
        let gz = scratch.file("t.gz")
        try F.gzip(F.mixedBytes(400_000), to: gz, chunkSize: 65_536)
        let whole = try F.contents(gz)
        try whole.prefix(whole.count - cut).write(to: URL(fileURLWithPath: gz))
        #expect {
            try F.readAll(GzipReader(path: gz))
        } throws: { error in
            guard case .truncated(let path, _)? = error as? GzipError else { return false }
            return path == gz
        }
    }

    @Test("one flipped byte in the compressed data is detected", arguments: [0.3, 0.5, 0.9])
    func flippedByteIsDetected(position: Double) throws {
        let scratch = try F.Scratch()
        let gz = scratch.file("f.gz")
        let data = F.mixedBytes(500_000)
        try F.gzip(data, to: gz)
        var bytes = try F.contents(gz)
        bytes[Int(Double(bytes.count) * position)] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: gz))
        #expect {
            try F.readAll(GzipReader(path: gz))
        } throws: { error in
            guard let error = error as? GzipError else { return false }
            switch error {
            case .corrupt, .crcMismatch, .lengthMismatch: return error.category == .snapshot
            default: return false
            }
        }
    }

    @Test("a wrong CRC-32 or ISIZE in the trailer has its own error")
    func trailerChecks() throws {
        let scratch = try F.Scratch()
        let gz = scratch.file("c.gz")
        try F.gzip(F.compressibleBytes(10_000), to: gz)
        let good = try F.contents(gz)
        var badCRC = good
        badCRC[good.count - 8] ^= 0x01
        try badCRC.write(to: URL(fileURLWithPath: gz))
        #expect(throws: GzipError.crcMismatch(path: gz, member: 1)) { try F.readAll(GzipReader(path: gz)) }
        var badLength = good
        badLength[good.count - 4] ^= 0x01
        try badLength.write(to: URL(fileURLWithPath: gz))
        #expect(throws: GzipError.lengthMismatch(path: gz, member: 1)) { try F.readAll(GzipReader(path: gz)) }
    }

    @Test("a file that is not gzip is refused")
    func nonGzipIsRefused() throws {
        let scratch = try F.Scratch()
        let text = scratch.file("plain.sqlite")
        try Data("SQLite format 3\0 and more".utf8).write(to: URL(fileURLWithPath: text))
        #expect {
            try F.readAll(GzipReader(path: text))
        } throws: { error in
            guard case .notGzip(let path, _)? = error as? GzipError else { return false }
            return path == text
        }
        let empty = scratch.file("empty.gz")
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        #expect {
            try F.readAll(GzipReader(path: empty))
        } throws: { error in
            if case .notGzip? = error as? GzipError { return true }
            return false
        }
        #expect {
            try GzipReader(path: scratch.file("missing.gz"))
        } throws: { error in
            if case .cannotOpen? = error as? GzipError { return true }
            return false
        }
    }

    @Test("bytes after the last member are refused as trailing garbage", arguments: ["junk", "\0\0\0\0", "\u{1f}"])
    func trailingGarbageIsRefused(tail: String) throws {
        let scratch = try F.Scratch()
        let gz = scratch.file("g.gz")
        try F.gzip(F.compressibleBytes(20_000), to: gz)
        let whole = try F.contents(gz)
        try (whole + Data(tail.utf8)).write(to: URL(fileURLWithPath: gz))
        #expect(throws: GzipError.trailingGarbage(path: gz, offset: Int64(whole.count))) {
            try F.readAll(GzipReader(path: gz))
        }
    }

    @Test("an error is sticky: later reads throw it again")
    func errorsAreSticky() throws {
        let scratch = try F.Scratch()
        let text = scratch.file("plain")
        try Data("not gzip".utf8).write(to: URL(fileURLWithPath: text))
        let reader = try GzipReader(path: text)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
        defer { buffer.deallocate() }
        #expect(throws: GzipError.self) { try reader.read(into: buffer) }
        #expect(throws: GzipError.self) { try reader.read(into: buffer) }
    }

    @Test("tiny read buffers and a small input buffer give the same bytes")
    func smallBuffers() throws {
        let scratch = try F.Scratch()
        let gz = scratch.file("s.gz")
        let data = F.mixedBytes(200_000)
        try F.gzip(data, to: gz, chunkSize: 30_000)
        let reader = try GzipReader(path: gz, bufferSize: 4_096)
        #expect(try F.readAll(reader, bufferSize: 13) == data)
        // The first 30,000 bytes in four members (GzipWriter.rampPieces), the rest in six.
        #expect(reader.memberCount == 10)
        #expect(reader.compressedBytesRead == Int64(try F.contents(gz).count))
    }

    /// CRC-32 (IEEE), bit by bit: only for the few header bytes above.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xedb8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}
