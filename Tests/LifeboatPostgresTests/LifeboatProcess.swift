import Foundation
import TestSupport
import Testing

/// The real `lifeboat` binary, run as a deploy script would, against the test server.
///
/// Found as `$LIFEBOAT` when set, else beside the test bundle in the build folder (`scripts/test.sh`
/// builds it first); the same lookup as the CLI tests' `LifeboatBinary`. The database URL goes in
/// through `DATABASE_URL`, never argv, so the tests that look for the password in every process's
/// command line see only what Lifeboat itself puts there.
final class LifeboatProcess: @unchecked Sendable {
    struct Result {
        let exitCode: Int32
        let stdout: String
        let stderr: String
        /// Wall time from start to exit.
        let seconds: Double

        /// stdout parsed as the one JSON object the SPEC promises.
        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            return try #require(object as? [String: Any], "stdout is not one JSON object: \(stdout)")
        }

        /// Both streams, for messages of failed expectations.
        var output: String { "exit \(exitCode)\nstdout: \(stdout)\nstderr: \(stderr)" }
    }

    static var path: String { LifeboatExecutable.path }

    let process = Process()
    private let started = ContinuousClock.now
    private let group = DispatchGroup()
    nonisolated(unsafe) private var outData = Data()
    nonisolated(unsafe) private var errData = Data()

    /// Starts `lifeboat arguments…` in `directory` with `DATABASE_URL=databaseURL`, the test server's
    /// bin folder, and `environment` on top of a copy of this process's environment without any
    /// Lifeboat or libpq variable.
    init(_ arguments: [String], in directory: URL, databaseURL: String, environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: Self.path)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key == "DATABASE_URL" || key.hasPrefix("LIFEBOAT") || key.hasPrefix("PG") {
            env.removeValue(forKey: key)
        }
        env["DATABASE_URL"] = databaseURL
        if let bin = PostgresTestEnvironment.binDirectory { env["LIFEBOAT_PG_BIN"] = bin }
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Both pipes drained concurrently, so a chatty child never blocks on a full pipe.
        DispatchQueue.global().async(group: group) { [self] in outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { [self] in errData = err.fileHandleForReading.readDataToEndOfFile() }
    }

    var isRunning: Bool { process.isRunning }

    /// Waits for the exit and both streams.
    func wait() -> Result {
        process.waitUntilExit()
        group.wait()
        let elapsed = ContinuousClock.now - started
        return Result(exitCode: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self),
                      seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// Runs to the end.
    static func run(_ arguments: [String], in directory: URL, databaseURL: String,
                    environment: [String: String] = [:]) throws -> Result {
        try LifeboatProcess(arguments, in: directory, databaseURL: databaseURL, environment: environment).wait()
    }
}
