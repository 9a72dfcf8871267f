import Foundation
import TestSupport
import Testing

/// The scripts in `scripts/` run as a user or CI runs them: from a scratch copy of the repository
/// (scripts, example migrations, an empty `backups/`), started from another folder, with the test
/// build of `lifeboat` passed as `$LIFEBOAT` so nothing is rebuilt.
final class ScratchRepository {
    /// Holds `repo/` (the copy) and `caller/` (the folder scripts are started from).
    let root: URL
    let repo: URL
    let caller: URL

    /// `migrations`: which of the repository's example migrations to copy (by version prefix).
    init(migrations: [String] = ["0001", "0002", "0003", "0004", "0005", "0006"]) throws {
        let fm = FileManager.default
        root = fm.temporaryDirectory.appendingPathComponent("lifeboat-scripts-\(UUID().uuidString)")
        repo = root.appendingPathComponent("repo")
        caller = root.appendingPathComponent("caller")
        try fm.createDirectory(at: caller, withIntermediateDirectories: true)
        try fm.createDirectory(at: repo.appendingPathComponent("migrations"), withIntermediateDirectories: true)
        try fm.createDirectory(at: repo.appendingPathComponent("backups"), withIntermediateDirectories: true)
        try fm.copyItem(at: Workspace.repository.appendingPathComponent("scripts"), to: repo.appendingPathComponent("scripts"))
        try addExampleMigrations(migrations)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func addExampleMigrations(_ versions: [String]) throws {
        let source = Workspace.repository.appendingPathComponent("migrations")
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path).sorted()
        where versions.contains(where: { name.hasPrefix($0 + "_") }) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name),
                                             to: repo.appendingPathComponent("migrations/" + name))
        }
    }

    func write(_ relativePath: String, _ text: String) throws {
        let url = repo.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func path(_ relativePath: String) -> String { repo.appendingPathComponent(relativePath).path }

    func files(in relativeFolder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path(relativeFolder)).sorted()
    }

    /// `git ARGS…` in the copy, with a fixed author so commits work on any machine.
    @discardableResult
    func git(_ arguments: String...) throws -> String {
        try Shell.run("git", arguments, environment: [
            "GIT_AUTHOR_NAME": "Lifeboat Test", "GIT_AUTHOR_EMAIL": "test@lifeboat.invalid",
            "GIT_COMMITTER_NAME": "Lifeboat Test", "GIT_COMMITTER_EMAIL": "test@lifeboat.invalid",
            "GIT_CONFIG_NOSYSTEM": "1",
        ], in: repo)
    }

    /// A git repository whose `main` holds the base migrations and whose checked-out branch
    /// `feature` adds `newVersions` (example migrations) plus whatever `extra` files say.
    func makeGitHistory(newVersions: [String], extra: [String: String] = [:]) throws {
        try git("init", "-q", "-b", "main")
        try git("add", "-A")
        try git("commit", "-q", "-m", "base")
        try git("checkout", "-q", "-b", "feature")
        try addExampleMigrations(newVersions)
        for (path, text) in extra { try write(path, text) }
        try git("add", "-A")
        try git("commit", "-q", "-m", "new migrations")
    }

    /// Runs `scripts/NAME ARGS…` from `caller/` (or `directory`).
    func runScript(_ name: String, _ arguments: [String] = [], environment: [String: String] = [:],
                   in directory: URL? = nil) throws -> ScriptResult {
        try ScriptResult.run(repo.appendingPathComponent("scripts/" + name), arguments,
                             in: directory ?? caller, environment: environment)
    }
}

struct ScriptResult {
    let exitCode: Int32
    let stdout: String
    let stderr: String

    var output: String { stdout + stderr }

    /// Runs `script` with a clean environment: no DATABASE_URL, LIFEBOAT_* or GitHub Actions files
    /// of the caller; `LIFEBOAT` is the test build and `LIFEBOAT_PG_BIN` the test server's tools.
    static func run(_ script: URL, _ arguments: [String], in directory: URL,
                    environment: [String: String] = [:]) throws -> ScriptResult {
        var env = ChildProcess.environment(dropping: { $0 == "DATABASE_URL" || $0.hasPrefix("LIFEBOAT") || $0.hasPrefix("GITHUB_") })
        env["LIFEBOAT"] = URL(fileURLWithPath: LifeboatBinary.path).path
        if let bin = PostgresServer.binDirectory { env["LIFEBOAT_PG_BIN"] = bin }
        env.merge(environment) { $1 }
        let result = try ChildProcess.run(script, arguments, in: directory, environment: env)
        return ScriptResult(exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr)
    }

    /// The rest of the first stderr line that starts with `prefix` (e.g. "ci-dry-run.sh: kept the work folder ").
    func stderrValue(after prefix: String) -> String? {
        stderr.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }
}

// MARK: - Databases

/// The engines a script test runs against: SQLite always; PostgreSQL when scripts/test.sh gave a
/// server (`LIFEBOAT_TEST_POSTGRES_URL`), and always under `CI=true`, where a missing server
/// fails the test instead of skipping it.
enum ScriptEngine: String, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static var all: [ScriptEngine] {
        PostgresServer.url != nil || PostgresServer.isCI ? [.sqlite, .postgres] : [.sqlite]
    }
}

/// A database of its own for one test: a SQLite file in the scratch folder, or a fresh
/// PostgreSQL database on the test server, dropped afterwards.
final class ScriptDatabase {
    let engine: ScriptEngine
    /// With the password: for the scripts (through the environment) and for lifeboat.
    let url: String
    private let postgresName: String?

    /// - Parameter name: the SQLite file's name (`data/<name>.sqlite`), for a second database.
    init(_ engine: ScriptEngine, in repository: ScratchRepository, name: String = "app") throws {
        self.engine = engine
        switch engine {
        case .sqlite:
            url = "sqlite:" + repository.root.appendingPathComponent("data/\(name).sqlite").path
            try FileManager.default.createDirectory(at: repository.root.appendingPathComponent("data"),
                                                    withIntermediateDirectories: true)
            postgresName = nil
        case .postgres:
            let name = "lifeboat_script_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
            try PostgresServer.psql(PostgresServer.requireURL(), "CREATE DATABASE \(name)")
            url = try PostgresServer.url(PostgresServer.requireURL(), database: name)
            postgresName = name
        }
    }

    deinit {
        if let postgresName, let server = PostgresServer.url {
            _ = try? PostgresServer.psql(server, "DROP DATABASE IF EXISTS \(postgresName) WITH (FORCE)")
        }
    }

    /// `lifeboat ARGS… --format json` on this database with `migrations`; its JSON.
    func lifeboat(_ arguments: [String], migrations: String, backups: String) throws -> [String: Any] {
        let result = try LifeboatBinary.run(arguments + ["--format", "json"], in: FileManager.default.temporaryDirectory,
                                            environment: ["DATABASE_URL": url, "LIFEBOAT_MIGRATIONS": migrations,
                                                          "LIFEBOAT_BACKUPS": backups,
                                                          "LIFEBOAT_PG_BIN": PostgresServer.binDirectory ?? ""])
        return try result.json()
    }

    func currentVersion(migrations: String, backups: String) throws -> String? {
        try lifeboat(["status"], migrations: migrations, backups: backups)["current_version"] as? String
    }
}

/// The test server from scripts/test.sh, reached with psql (password through PGPASSWORD).
enum PostgresServer {
    static let url = ProcessInfo.processInfo.environment["LIFEBOAT_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let binDirectory = ProcessInfo.processInfo.environment["LIFEBOAT_TEST_PG_BIN"].flatMap { $0.isEmpty ? nil : $0 }
    static let isCI = ["true", "1", "yes"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "LIFEBOAT_TEST_POSTGRES_URL is not set: run the PostgreSQL script tests through scripts/test.sh"
        }
    }

    static func requireURL() throws -> String {
        guard let url else { throw Missing() }
        return url
    }

    /// `base` naming `database` instead.
    static func url(_ base: String, database: String) throws -> String {
        var components = try #require(URLComponents(string: base))
        components.percentEncodedPath = "/" + database
        return try #require(components.string)
    }

    static func password(of url: String) -> String? { URLComponents(string: url)?.password }

    /// Runs one SQL command on `url`'s database; returns psql's unaligned output.
    @discardableResult
    static func psql(_ url: String, _ sql: String) throws -> String {
        var components = try #require(URLComponents(string: url))
        let password = components.password
        components.password = nil
        let tool = binDirectory.map { $0 + "/psql" } ?? "psql"
        return try Shell.run(tool, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", try #require(components.string), "-c", sql],
                             environment: password.map { ["PGPASSWORD": $0] } ?? [:])
    }

    static func databaseExists(_ name: String) throws -> Bool {
        try psql(requireURL(), "SELECT count(*) FROM pg_database WHERE datname = '\(name)'")
            .trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }
}

// MARK: - The Markdown summary

/// The table of ci-dry-run.sh's summary: header, separator, rows (cells trimmed).
struct SummaryTable {
    let header: [String]
    let separator: String
    let rows: [[String]]

    init(markdown: String) throws {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let tableLines = lines.filter { $0.hasPrefix("|") }
        try #require(tableLines.count >= 2, "no table in:\n\(markdown)")
        // One table, its lines consecutive.
        let first = try #require(lines.firstIndex(of: tableLines[0]))
        #expect(Array(lines[first..<(first + tableLines.count)]) == tableLines, "the table's lines are not consecutive")
        func cells(_ line: String) -> [String] {
            line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        header = cells(tableLines[0])
        separator = tableLines[1]
        rows = tableLines.dropFirst(2).map(cells)
    }
}
