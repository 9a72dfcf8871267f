import Foundation
import Testing

/// Runs the real `lifeboat` binary, as a user or a script would.
///
/// It is looked up as `$LIFEBOAT` when set, else beside the test bundle in the build folder
/// (`scripts/test.sh` builds it before running the tests).
enum LifeboatBinary {
    struct Result {
        let exitCode: Int32
        let stdout: String
        let stderr: String

        /// stdout parsed as the one JSON object the SPEC promises.
        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            return try #require(object as? [String: Any], "stdout is not one JSON object: \(stdout)")
        }
    }

    static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["LIFEBOAT"], !explicit.isEmpty { return explicit }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On some layouts the test runner sits inside the .xctest bundle.
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("lifeboat").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        return "lifeboat"
    }

    /// Runs `lifeboat arguments…` in `directory` with `environment` added to a clean one.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:],
                    stdin: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key == "DATABASE_URL" || key.hasPrefix("LIFEBOAT_") { env.removeValue(forKey: key) }
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(exitCode: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A temporary working folder holding a copy of the repository's example migrations.
final class Workspace {
    let root: URL

    init(exampleMigrations: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        if exampleMigrations {
            try FileManager.default.copyItem(at: Self.repository.appendingPathComponent("migrations"),
                                             to: root.appendingPathComponent("migrations"))
        } else {
            try FileManager.default.createDirectory(at: root.appendingPathComponent("migrations"), withIntermediateDirectories: true)
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// The repository this test file belongs to.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func run(_ arguments: String..., environment: [String: String] = [:]) throws -> LifeboatBinary.Result {
        try LifeboatBinary.run(arguments, in: root, environment: environment)
    }

    func write(_ relativePath: String, _ text: String) throws {
        let url = root.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(relativePath).path)
    }

    func path(_ relativePath: String) -> String { root.appendingPathComponent(relativePath).path }
}
