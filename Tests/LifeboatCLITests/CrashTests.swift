import Foundation
import TestSupport
import Testing

/// The crash campaign on SQLite (issue 10, "What it must show"): the real binary killed with
/// `SIGKILL` at random moments during `migrate`, during `restore`, and during the automatic
/// restore after a failed run. After each kill, checked with `sqlite3` itself: no corruption
/// (`PRAGMA integrity_check`), history equal to effects (each migration's table exists iff its
/// row does), nothing in the backups folder others can read and no passfile, and every
/// interrupted state (the `restoring` marker) named by `status` (exit 3) with a way out that works.
///
/// `LIFEBOAT_CRASH_TRIALS` sets the trials per phase (default 4); the counts by phase and by the
/// state each kill left are printed.
@Suite(.serialized) struct CrashTests {
    static let tally = CrashTrials.Tally(engine: "sqlite")
    static let versions = ["0002", "0003", "0004", "0005"]

    /// A workspace with a large first migration and four that copy from it, at version 0001.
    final class Bench: CrashBench {
        let workspace: Workspace
        let template: URL
        var trialVersions: [String] { CrashTests.versions }
        init(broken: Bool) throws {
            workspace = try Workspace(exampleMigrations: false)
            try workspace.write("migrations/0001_bulk.sql", """
                CREATE TABLE bulk AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 30000)
                SELECT x, hex(randomblob(40)) AS pad FROM c;
                """)
            for (index, version) in CrashTests.versions.enumerated() {
                try workspace.write("migrations/\(version)_copy.sql",
                                    "CREATE TABLE t\(version) AS SELECT x, pad || '\(index)' AS pad FROM bulk;\n"
                                        + "CREATE INDEX t\(version)_pad ON t\(version) (pad);\n")
            }
            if broken {
                try workspace.write("migrations/0006_broken.sql", "CREATE TABLE t0006 (id INTEGER);\nINSERT INTO missing_table VALUES (1);\n")
            }
            template = workspace.root.appendingPathComponent("template")
        }

        var environment: [String: String] {
            ChildProcess.environment(dropping: { $0 == "DATABASE_URL" || $0.hasPrefix("LIFEBOAT_") }, adding: ["LIFEBOAT_KEEP": "1000"])
        }

        /// Saves the database and the backups folder as the state every trial starts from.
        func saveTemplate() throws {
            try cp(["-a", workspace.path("app.sqlite"), template.path + ".sqlite"])
            try cp(["-a", workspace.path("backups"), template.path + "-backups"])
        }

        func resetToTemplate() throws {
            for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: workspace.path("app.sqlite" + suffix)) }
            try? FileManager.default.removeItem(atPath: workspace.path("backups"))
            try cp(["-a", template.path + ".sqlite", workspace.path("app.sqlite")])
            try cp(["-a", template.path + "-backups", workspace.path("backups")])
        }

        private func cp(_ arguments: [String]) throws {
            let result = try ChildProcess.run(URL(fileURLWithPath: "/bin/cp"), arguments)
            #expect(result.exitCode == 0, "cp \(arguments): \(result.stderr)")
        }

        func sqlite(_ sql: String) throws -> [String] {
            let result = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["sqlite3", workspace.path("app.sqlite"), sql])
            #expect(result.exitCode == 0, "sqlite3 \(sql): \(result.stderr)")
            return result.stdout.split(separator: "\n").map(String.init)
        }

        /// Runs the command, killed `delay` seconds after `trigger` (or the start); never for `.infinity`.
        func run(_ arguments: [String], killingAfter delay: Double,
                 trigger: (() -> Bool)?) throws -> (killed: Bool, seconds: Double, exitCode: Int32) {
            try CrashTrials.run(killingAfter: delay, trigger: trigger, LifeboatBinary.path, arguments, in: workspace.root,
                                environment: environment)
        }

        /// How many snapshots the backups folder holds (a new one means the run's snapshot is done).
        func manifestCount() -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: workspace.path("backups"))) ?? [])
                .filter { $0.hasSuffix(".json") }.count
        }

        /// Whether a restore is under way: its decompressed copy exists in a scratch run folder.
        func restoreUnderWay() -> Bool {
            let scratch = workspace.path("backups/.lifeboat-scratch")
            for run in (try? FileManager.default.contentsOfDirectory(atPath: scratch)) ?? [] {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: scratch + "/" + run)) ?? []
                if files.contains(where: { $0.hasSuffix(".restore.sqlite") }) { return true }
            }
            return false
        }

        var backups: URL { workspace.root.appendingPathComponent("backups") }
        var secret: String? { nil }

        func lifeboat(_ arguments: [String]) throws -> (exitCode: Int32, stdout: String, stderr: String) {
            let result = try LifeboatBinary.run(arguments, in: workspace.root, environment: ["LIFEBOAT_KEEP": "1000"])
            return (result.exitCode, result.stdout, result.stderr)
        }

        /// `PRAGMA integrity_check` (which also rolls back a hot journal a kill left), then the
        /// history and the tables, all with `sqlite3`.
        func inspect(_ label: String) throws -> (history: [[String]], tables: Set<String>) {
            #expect(try sqlite("PRAGMA integrity_check") == ["ok"], "\(label): corrupt")
            let rows = try sqlite("SELECT version || '|' || status || '|' || coalesce(snapshot_id, '') FROM lifeboat_history ORDER BY version")
                .map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
            return (rows, Set(try sqlite("SELECT name FROM sqlite_master WHERE type = 'table'")))
        }
    }

    @Test("kill -9 during migrate: never corrupt, history equals effects")
    func killDuringMigrate() throws {
        let bench = try Bench(broken: false)
        #expect(try bench.lifeboat(["migrate", "--target", "0001"]).exitCode == 0)
        try bench.saveTemplate()
        let calibration = try bench.run(["migrate", "--target", "0005"], killingAfter: .infinity, trigger: nil)
        #expect(calibration.exitCode == 0)
        for trial in 0..<CrashTrials.perPhase(default: 4) {
            try bench.resetToTemplate()
            try bench.migrateTrial(trial, runSeconds: calibration.seconds, tally: Self.tally)
        }
        print(Self.tally.summary)
    }

    @Test("kill -9 during the automatic restore after a failed run: the restoring marker is named by status, and restore clears it")
    func killDuringAutomaticRestore() throws {
        let bench = try Bench(broken: true)
        #expect(try bench.lifeboat(["migrate", "--target", "0001"]).exitCode == 0)
        try bench.saveTemplate()
        let calibration = try bench.run(["migrate"], killingAfter: .infinity, trigger: nil)
        #expect(calibration.exitCode == 1)
        for trial in 0..<CrashTrials.perPhase(default: 4) {
            try bench.resetToTemplate()
            // Killed while the snapshot is put back: its decompressed copy exists, then it goes in.
            try bench.automaticRestoreTrial(trial, window: 0.08, underWay: bench.restoreUnderWay, tally: Self.tally)
        }
        print(Self.tally.summary)
    }

    @Test("kill -9 during restore: the database is the old one or the restored one, never between")
    func killDuringRestore() throws {
        let bench = try Bench(broken: false)
        #expect(try bench.lifeboat(["migrate", "--target", "0001"]).exitCode == 0)
        let snapshot = try bench.lifeboat(["snapshot", "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(snapshot.stdout.utf8)) as? [String: Any]
        let id = try #require((json?["snapshot"] as? [String: Any])?["id"] as? String)
        #expect(try bench.lifeboat(["migrate", "--target", "0005"]).exitCode == 0)
        try bench.saveTemplate()
        let calibration = try bench.run(["restore", id, "--yes"], killingAfter: .infinity, trigger: nil)
        #expect(calibration.exitCode == 0)
        for trial in 0..<CrashTrials.perPhase(default: 4) {
            try bench.resetToTemplate()
            try bench.restoreTrial(trial, snapshot: id, runSeconds: calibration.seconds, window: 0.15,
                                   underWay: bench.restoreUnderWay, tally: Self.tally)
        }
        print(Self.tally.summary)
    }
}
