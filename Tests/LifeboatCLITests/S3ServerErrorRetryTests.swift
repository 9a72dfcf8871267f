import Foundation
import LifeboatS3Store
import TestSupport
import Testing

/// Issue 12: "a server that returns 500 for the first attempts of a part: the upload still
/// succeeds". A small fault-injecting proxy (`Tests/Fixtures/s3_fault_proxy.py`, on loopback)
/// stands in front of the test S3 server and answers the first attempts of every part upload,
/// and of every ranged GET of the restore, with S3's `500 InternalError`; the binary must retry
/// them and end as if nothing had happened.
@Suite(.enabled(if: S3StoreWorkspace.shouldRun))
struct S3ServerErrorRetryTests {
    @Test func partsAndRangedGetsAnsweredWith500AreRetriedAndTheSnapshotRestoresExactly() throws {
        let s3 = try S3StoreExecutor.wait { try await S3StoreWorkspace() }
        #expect(try s3.workspace.run("migrate", "--target", "0001").exitCode == 0)
        // 20 MB that does not compress: three 8 MiB parts, and several ranged GETs to restore it.
        try s3.fill(megabytes: 20)
        // The content's hash (the file's bytes change on restore: SQLite's change counter).
        let content = { try ChildProcess.tool("sqlite3", [s3.database, ".sha3sum"]).stdout }
        let before = try content()
        #expect(!before.isEmpty)

        let proxy = try FaultProxy.start(upstream: try #require(S3StoreWorkspace.endpoint), failParts: 2, failRangedGets: 1)
        defer { proxy.stop() }
        let throughProxy = ["AWS_ENDPOINT_URL_S3": proxy.endpoint]

        let taken = try s3.run("snapshot", "--format", "json", environment: throughProxy)
        #expect(taken.exitCode == 0, "\(taken.stderr)")
        let injectedPuts = proxy.injected().filter { $0.hasPrefix("PUT part") }
        // Each of the three parts failed twice before it was stored.
        #expect(Set(injectedPuts).count >= 3 && injectedPuts.count == 2 * Set(injectedPuts).count, "\(injectedPuts)")
        let id = try #require((try taken.json()["snapshot"] as? [String: Any])?["id"] as? String)

        // The database changes, then comes back from the snapshot through the same faults.
        #expect(try ChildProcess.tool("sqlite3", [s3.database, "DELETE FROM filler"]).exitCode == 0)
        let restored = try s3.run("restore", id, "--yes", environment: throughProxy)
        #expect(restored.exitCode == 0, "\(restored.stderr)")
        #expect(proxy.injected().contains { $0.hasPrefix("GET ") }, "the restore met no injected fault: \(proxy.injected())")
        #expect(try content() == before)
    }
}

/// `s3_fault_proxy.py` running for one test: its port from its first line of output, then a line
/// per injected failure.
struct FaultProxy {
    let process: Process
    let output: URL
    let endpoint: String

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/s3_fault_proxy.py")

    static func start(upstream: String, failParts: Int, failRangedGets: Int) throws -> FaultProxy {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-fault-proxy-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-B", script.path, "--upstream", upstream,
                             "--fail-parts", String(failParts), "--fail-ranged-gets", String(failRangedGets)]
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, process.isRunning {
            if let first = (try? String(contentsOf: output, encoding: .utf8))?.split(separator: "\n").first,
               let port = Int(first) {
                return FaultProxy(process: process, output: output, endpoint: "http://127.0.0.1:\(port)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(process.processIdentifier, SIGKILL)
        throw Unavailable()
    }

    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "the fault-injecting proxy (Tests/Fixtures/s3_fault_proxy.py) did not start" }
    }

    /// What was injected so far ("PUT part 2", "GET bytes=0-2097151"), in order.
    func injected() -> [String] {
        ((try? String(contentsOf: output, encoding: .utf8)) ?? "").split(separator: "\n")
            .filter { $0.hasPrefix("injected 500 ") }.map { String($0.dropFirst("injected 500 ".count)) }
    }

    /// SIGKILL: the proxy inherits the test process's ignored SIGTERM, as moto_server does.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: output)
    }
}
