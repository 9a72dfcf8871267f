import Foundation
import TestSupport
import Testing

/// Runs the real `lifeboat` binary, as a user or a script would.
///
/// It is `LifeboatExecutable.path`: `$LIFEBOAT` when set, else the one in the build folder.
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

    static var path: String { LifeboatExecutable.path }

    /// Runs `lifeboat arguments…` in `directory` with `environment` added to this process's,
    /// less any DATABASE_URL or LIFEBOAT_* of the caller.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:],
                    stdin: String? = nil) throws -> Result {
        let env = ChildProcess.environment(dropping: { $0 == "DATABASE_URL" || $0.hasPrefix("LIFEBOAT_") }, adding: environment)
        let result = try ChildProcess.run(URL(fileURLWithPath: path), arguments, in: directory, environment: env, stdin: stdin)
        return Result(exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr)
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
