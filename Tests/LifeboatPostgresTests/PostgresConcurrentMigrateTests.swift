import EngineConformance
import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// Several deploys starting `lifeboat migrate` at once against one database (SPEC "Locking"): the
/// advisory lock lets one run apply each migration exactly once; the others wait for it and then
/// find nothing pending, or with `--lock-timeout 0` give up at once with exit 4.
@Suite("Concurrent migrate processes", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresConcurrentMigrateTests {
    /// Migration `version` appends its own row to `runs`; a second application would add a duplicate.
    static func migration(_ version: Int) -> (name: String, text: String) {
        let text = version == 1
            ? "CREATE TABLE runs (version int NOT NULL, pid int NOT NULL DEFAULT pg_backend_pid());\nINSERT INTO runs (version) VALUES (1);\n"
            : "INSERT INTO runs (version) VALUES (\(version));\nSELECT pg_sleep(0.05);\n"
        return (String(format: "%04d_step_%d.sql", version, version), text)
    }

    static let processes = 8

    /// Starts `processes` runs of `lifeboat migrate --format json arguments…` at once and waits for all.
    static func migrateConcurrently(_ folder: MigrationFolder, _ database: TestDatabase,
                                    _ arguments: [String] = []) throws -> [LifeboatProcess.Result] {
        let running = try (0..<processes).map { _ in
            try LifeboatProcess(["migrate", "--format", "json", "--migrations", folder.migrations.path,
                                 "--backups", folder.backups.path] + arguments,
                                in: folder.root, databaseURL: database.url.original)
        }
        return running.map { $0.wait() }
    }

    /// What `runs` and the history table hold: each version should appear exactly once in both.
    static func applied(_ engine: PostgresEngine) throws -> (runs: [String], history: [String]) {
        let runs = try engine.rows("SELECT version::text FROM runs ORDER BY version").map { $0[0] ?? "" }
        let history = try engine.rows("SELECT version FROM lifeboat_history WHERE status = 'applied' ORDER BY version")
            .map { $0[0] ?? "" }
        return (runs, history)
    }

    static func migrationCount(_ result: LifeboatProcess.Result) -> Int? {
        ((try? result.json())?["migrations"] as? [Any])?.count
    }

    @Test("8 processes at once: each migration applied exactly once, every process exits 0; with --lock-timeout 0 each exits 0 or 4")
    func eightProcesses() throws {
        try TestDatabase.with { database in
            let folder = try MigrationFolder()
            for version in 1...5 { try folder.write(Self.migration(version).name, Self.migration(version).text) }

            // Round 1: the default lock timeout (60 s): the others wait, then find nothing pending.
            let first = try Self.migrateConcurrently(folder, database)
            for result in first {
                #expect(result.exitCode == 0, "\(result.output)")
            }
            #expect(first.compactMap(Self.migrationCount).sorted() == Array(repeating: 0, count: Self.processes - 1) + [5],
                    "one run applies all five, the others find nothing pending")
            let engine = try database.open()
            defer { engine.close() }
            var state = try Self.applied(engine)
            #expect(state.runs == ["1", "2", "3", "4", "5"])
            #expect(state.history == ["0001", "0002", "0003", "0004", "0005"])
            #expect(try engine.value("SELECT count(DISTINCT pid) FROM runs") == "1", "one process applied them all")
            let manifests = try FileManager.default.contentsOfDirectory(atPath: folder.backups.path).filter { $0.hasSuffix(".json") }
            #expect(manifests.count == 1, "one snapshot, by the run that applied: \(manifests)")

            // Round 2: --lock-timeout 0: whoever cannot get the lock at once exits 4, changing nothing.
            for version in 6...8 { try folder.write(Self.migration(version).name, Self.migration(version).text) }
            let second = try Self.migrateConcurrently(folder, database, ["--lock-timeout", "0"])
            for result in second {
                #expect([0, 4].contains(result.exitCode), "\(result.output)")
                if result.exitCode == 4 {
                    let error = try #require(try result.json()["error"] as? [String: Any])
                    #expect(error["kind"] as? String == "lock")
                    #expect((error["message"] as? String ?? "").contains("lock"))
                }
            }
            #expect(second.contains { $0.exitCode == 0 })
            let appliedCounts = second.filter { $0.exitCode == 0 }.compactMap(Self.migrationCount)
            #expect(appliedCounts.reduce(0, +) == 3, "\(appliedCounts)")
            state = try Self.applied(engine)
            #expect(state.runs == (1...8).map(String.init))
            #expect(state.history == (1...8).map { String(format: "%04d", $0) })
            #expect(try engine.value("SELECT count(*) FROM lifeboat_history") == "8")
        }
    }
}
