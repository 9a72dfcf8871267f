import EngineConformance
import Foundation
import TestSupport

/// Fresh SQLite files in a temporary folder; the fingerprint is `sqlite3 DB .dump`, as a person
/// would compare two databases.
struct SQLiteConformanceEngine: ConformanceEngine {
    var name: String { "sqlite" }

    func makeDatabase() throws -> ConformanceDatabase { try SQLiteTestDatabase() }
}

final class SQLiteTestDatabase: ConformanceDatabase {
    let folder: URL
    let path: String
    var url: String { "sqlite:" + path }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("test.sqlite").path
        // A fresh database exists and is empty, as on a server: SPEC v2 lets only `migrate`,
        // `create` and `restore` make a new file (an empty file is an empty SQLite database).
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw SQLiteShell.Failure(description: "cannot create \(path)")
        }
    }

    func fingerprint() throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { return "" }
        return try SQLiteShell.run([path, ".dump"])
    }

    func execute(_ sql: String) throws { _ = try SQLiteShell.run([path], input: sql) }

    func query(_ sql: String) throws -> [[String?]] {
        let output = try SQLiteShell.run(["-separator", "\u{1f}", "-nullvalue", "\u{0}", path, sql])
        return output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            line.split(separator: "\u{1f}", omittingEmptySubsequences: false).map { $0 == "\u{0}" ? nil : String($0) }
        }
    }

    func drop() { try? FileManager.default.removeItem(at: folder) }
}

/// The `sqlite3` command-line shell, the independent witness of what is in a database file.
enum SQLiteShell {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ arguments: [String], input: String? = nil) throws -> String {
        let result = try ChildProcess.tool("sqlite3", ["-bail"] + arguments, stdin: input)
        guard result.exitCode == 0 else {
            throw Failure(description: "sqlite3 \(arguments.joined(separator: " ")): \(result.stderr)")
        }
        return result.stdout
    }
}
