import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// Where the PostgreSQL tests find their server: `LIFEBOAT_TEST_POSTGRES_URL` (set by
/// `scripts/test.sh`). Without it the tests are skipped, except under `CI=true`, where they run
/// and fail: CI must never pass without having talked to PostgreSQL.
enum PostgresTestEnvironment {
    static let url = ProcessInfo.processInfo.environment["LIFEBOAT_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let binDirectory = ProcessInfo.processInfo.environment["LIFEBOAT_TEST_PG_BIN"].flatMap { $0.isEmpty ? nil : $0 }
    static let isCI = ["true", "1", "yes"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")

    /// For `.enabled(if:)`: run when there is a server, and always under CI.
    static let shouldRun = url != nil || isCI

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "LIFEBOAT_TEST_POSTGRES_URL is not set: run the PostgreSQL tests through scripts/test.sh"
        }
    }

    static func requireURL() throws -> DatabaseURL {
        guard let url else { throw Missing() }
        return try DatabaseURL(url)
    }

    /// The password of the test server's role, to look for leaks.
    static func password() throws -> String {
        guard let password = try requireURL().password, !password.isEmpty else {
            throw Missing()
        }
        return password
    }
}

/// Collects engine log lines from any thread.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    var lines: [String] { lock.withLock { storage } }

    var log: @Sendable (String) -> Void {
        { [self] line in lock.withLock { storage.append(line) } }
    }
}

/// A database of its own for one test: `lifeboat_test_<random>`, created on the test server and
/// dropped afterwards (with `WITH (FORCE)`, so a leftover connection cannot keep it).
struct TestDatabase {
    let name: String
    let url: DatabaseURL

    /// Creates the database, runs `body`, drops the database.
    static func with<T>(_ body: (TestDatabase) throws -> T) throws -> T {
        let base = try PostgresTestEnvironment.requireURL()
        let name = "lifeboat_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let admin = try PostgresEngine.open(base, options: EngineOptions())
        defer { admin.close() }
        try admin.execute(SQLScript("CREATE DATABASE \(name)"))
        defer { try? admin.execute(SQLScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")) }
        var components = URLComponents(string: base.original)!
        components.percentEncodedPath = "/" + name
        let database = TestDatabase(name: name, url: try DatabaseURL(components.string!))
        return try body(database)
    }

    /// A URL for this database with changed query parameters or password.
    func url(password: String? = nil, parameters: [String: String] = [:]) throws -> DatabaseURL {
        var components = URLComponents(string: url.original)!
        if let password { components.password = password }
        if !parameters.isEmpty {
            components.queryItems = parameters.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        }
        return try DatabaseURL(components.string!)
    }

    func open(lockTimeoutMs: Int = 5_000, log: @escaping @Sendable (String) -> Void = { _ in }) throws -> PostgresEngine {
        try PostgresEngine.open(url, options: EngineOptions(postgresBinDirectory: PostgresTestEnvironment.binDirectory,
                                                            statementLockTimeoutMs: lockTimeoutMs, log: log))
    }
}

extension PostgresEngine {
    /// Rows of a query, for assertions.
    func rows(_ sql: String) throws -> [[String?]] {
        try connection.query(sql).rows
    }

    /// The first value of a query.
    func value(_ sql: String) throws -> String? {
        try connection.query(sql).firstValue
    }
}

/// A sink that keeps everything in memory (tests only: payloads here are small).
final class DataSink: ByteSink {
    var data = Data()
    func write(_ bytes: UnsafeRawBufferPointer) throws { data.append(contentsOf: bytes) }
}

/// A source over bytes in memory, handing out at most `maxChunk` bytes per read.
final class DataSource: ByteSource {
    private let data: [UInt8]
    private var offset = 0
    private let maxChunk: Int

    init(_ data: Data, maxChunk: Int = .max) {
        self.data = [UInt8](data)
        self.maxChunk = maxChunk
    }

    convenience init(_ text: String, maxChunk: Int = .max) {
        self.init(Data(text.utf8), maxChunk: maxChunk)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, maxChunk, data.count - offset)
        guard count > 0 else { return 0 }
        data.withUnsafeBytes { bytes in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]))
        }
        offset += count
        return count
    }
}

/// A scratch folder for a test, removed afterwards.
func withScratchFolder<T>(_ body: (URL) throws -> T) throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-pg-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder)
}
