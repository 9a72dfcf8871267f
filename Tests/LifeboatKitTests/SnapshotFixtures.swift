import Foundation
import LifeboatKit
import Testing

/// Shared helpers for the gzip and snapshot-store tests: scratch folders, test data, running the
/// real `gzip`/`gunzip`/`pigz`, and draining streams.
enum SnapshotFixtures {
    /// A unique temporary folder, removed when the value goes away.
    final class Scratch {
        let path: String

        init() throws {
            path = NSTemporaryDirectory() + "lifeboat-snapshots-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }

        deinit {
            // A test may have made files read-only; make everything removable first.
            _ = try? SnapshotFixtures.run("/bin/chmod", ["-R", "u+rwx", path])
            try? FileManager.default.removeItem(atPath: path)
        }

        func file(_ name: String) -> String { path + "/" + name }
    }

    // MARK: - Data

    /// Deterministic pseudo-random bytes (SplitMix64): incompressible, reproducible.
    static func randomBytes(_ count: Int, seed: UInt64) -> Data {
        var state = seed
        var data = Data(count: count)
        data.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) in
            var offset = 0
            while offset < count {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                z ^= z >> 31
                withUnsafeBytes(of: z) { word in
                    let n = min(8, count - offset)
                    buffer.baseAddress!.advanced(by: offset).copyMemory(from: word.baseAddress!, byteCount: n)
                }
                offset += 8
            }
        }
        return data
    }

    /// Text-like, compressible bytes: numbered lines of SQL-ish rows.
    static func compressibleBytes(_ count: Int) -> Data {
        var data = Data()
        data.reserveCapacity(count + 100)
        var row = 0
        while data.count < count {
            data.append(contentsOf: Array("INSERT INTO users VALUES (\(row), 'user\(row % 977)@example.com', \(row * 31 % 1000));\n".utf8))
            row += 1
        }
        return data.prefix(count)
    }

    /// Random and compressible stretches alternating: what a database file looks like to gzip.
    static func mixedBytes(_ count: Int, seed: UInt64 = 42) -> Data {
        var data = Data()
        var part: UInt64 = 0
        while data.count < count {
            let size = min(count - data.count, 150_000 + Int(part % 3) * 70_000)
            data.append(part % 2 == 0 ? compressibleBytes(size) : randomBytes(size, seed: seed &+ part))
            part += 1
        }
        return data
    }

    // MARK: - Streams

    /// Writes `data` into `sink` in pieces of `piece` bytes (uneven on purpose, to cross chunk edges).
    static func write(_ data: Data, to sink: ByteSink, piece: Int = 10_007) throws {
        try data.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < all.count {
                let end = min(offset + piece, all.count)
                try sink.write(UnsafeRawBufferPointer(rebasing: all[offset..<end]))
                offset = end
            }
        }
    }

    /// Everything a source yields, read with a buffer of `bufferSize` bytes.
    static func readAll(_ source: ByteSource, bufferSize: Int = 65_536) throws -> Data {
        var result = Data()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = try source.read(into: buffer)
            if n == 0 { return result }
            result.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<n]))
        }
    }

    /// Compresses `data` with `GzipWriter` into a new file at `path`.
    @discardableResult
    static func gzip(_ data: Data, to path: String, level: Int = 6, chunkSize: Int = GzipWriter.defaultChunkSize) throws -> GzipWriter.Summary {
        let writer = try GzipWriter(path: path, level: level, chunkSize: chunkSize)
        try write(data, to: writer)
        return try writer.finish()
    }

    // MARK: - External tools

    struct ToolResult {
        let status: Int32
        let standardError: String
    }

    /// Runs a program; stdin and stdout may be files. Throws only when it cannot start.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], stdin: String? = nil, stdout: String? = nil) throws -> ToolResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let stdin { process.standardInput = FileHandle(forReadingAtPath: stdin) }
        if let stdout {
            _ = FileManager.default.createFile(atPath: stdout, contents: nil)
            process.standardOutput = FileHandle(forWritingAtPath: stdout)
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ToolResult(status: process.terminationStatus, standardError: String(decoding: errorData, as: UTF8.self))
    }

    /// The full path of a program on PATH, if any.
    static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Under CI, a test that needs a tool runs (and fails) when the tool is missing; elsewhere it
    /// is skipped with a visible reason. Never silently skipped in CI (STYLE, rule 8).
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static var pigzUsable: Bool { tool("pigz") != nil || isCI }

    /// The path of `name`, or a recorded failure naming how to install it.
    static func requireTool(_ name: String, package: String? = nil) throws -> String {
        try #require(tool(name), "\(name) is required for this test: apt-get install -y \(package ?? name)")
    }

    /// `sha256sum` of a file, lower-case hex.
    static func sha256sum(_ path: String, scratch: Scratch) throws -> String {
        let out = scratch.file("sha256-\(UUID().uuidString)")
        try run(requireTool("sha256sum", package: "coreutils"), [path], stdout: out)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        return String(text.prefix(64))
    }

    /// `ConfigurationError` is not Equatable; this matches `.unknownSnapshot(reference)`.
    static func isUnknownSnapshot(_ error: any Error, _ reference: String) -> Bool {
        guard case .unknownSnapshot(let named)? = error as? ConfigurationError else { return false }
        return named == reference
    }

    static func contents(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }
}
