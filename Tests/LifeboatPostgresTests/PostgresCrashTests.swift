import EngineConformance
import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import TestSupport
import Testing

/// The crash campaign on PostgreSQL (issue 10, "What it must show"): the real binary killed with
/// `SIGKILL` during `migrate`, during the automatic restore after a failed run (once the
/// `restoring` marker is committed), and during `restore`. After each kill, checked with `psql`:
/// history equal to effects (each migration's table exists, complete, iff its row does), nothing
/// in the backups folder others can read, no passfile, no file holding the password, and the
/// `restoring` marker named by `status` (exit 3) with a way out that works.
///
/// `LIFEBOAT_CRASH_TRIALS` sets the trials per phase (default 4); the counts are printed.
@Suite("Crash campaign on PostgreSQL", .serialized, .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresCrashTests {
    static let tally = CrashTrials.Tally(engine: "postgres")
    static let versions = ["0002", "0003", "0004", "0005"]

    /// One test database and migrations folder: a large first migration and four that copy it.
    final class Bench: CrashBench {
        let database: TestDatabase
        let folder: MigrationFolder
        let watcher: PostgresEngine
        var trialVersions: [String] { PostgresCrashTests.versions }

        init(_ database: TestDatabase, broken: Bool) throws {
            self.database = database
            var files = ["0001_bulk.sql": "CREATE TABLE bulk AS SELECT g AS id, md5(g::text) || md5((g + 1)::text) AS body FROM generate_series(1, 30000) g;"]
            for (index, version) in PostgresCrashTests.versions.enumerated() {
                files["\(version)_copy.sql"] = "CREATE TABLE t\(version) AS SELECT id, body || '\(index)' AS body FROM bulk;\n"
                    + "CREATE INDEX ON t\(version) (body);"
            }
            if broken { files["0006_broken.sql"] = "CREATE TABLE t0006 (id int);\nINSERT INTO missing_table VALUES (1);" }
            folder = try MigrationFolder(files)
            watcher = try database.open()
            // Polling must never queue behind a restore's locks.
            try watcher.execute(SQLScript("SET lock_timeout = '50ms'"))
        }

        deinit { watcher.close() }

        var environment: [String: String] {
            var environment = ChildProcess.environment(dropping: { $0 == "DATABASE_URL" || $0.hasPrefix("LIFEBOAT") || $0.hasPrefix("PG") })
            environment["DATABASE_URL"] = database.url.original
            environment["LIFEBOAT_KEEP"] = "1000"
            if let bin = PostgresTestEnvironment.binDirectory { environment["LIFEBOAT_PG_BIN"] = bin }
            return environment
        }

        func run(_ arguments: [String], killingAfter delay: Double,
                 trigger: (() -> Bool)?) throws -> (killed: Bool, seconds: Double, exitCode: Int32) {
            try CrashTrials.run(killingAfter: delay, trigger: trigger, LifeboatProcess.path,
                                arguments + ["--migrations", folder.migrations.path, "--backups", folder.backups.path],
                                in: folder.root, environment: environment)
        }

        func manifestCount() -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.backups.path)) ?? []).filter { $0.hasSuffix(".json") }.count
        }

        /// Whether the `restoring` marker is committed (the automatic restore is about to start).
        func markerCommitted() -> Bool {
            (try? watcher.value("SELECT count(*) FROM lifeboat_history WHERE status = 'restoring'")) == "1"
        }

        /// `psql` on the test database, rows as `|`-separated text.
        func psql(_ sql: String) throws -> [String] {
            var environment = ProcessInfo.processInfo.environment
            if let bin = PostgresTestEnvironment.binDirectory { environment["PATH"] = bin + ":" + (environment["PATH"] ?? "") }
            let result = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"),
                                              ["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database.url.original, "-c", sql],
                                              environment: environment)
            #expect(result.exitCode == 0, "psql \(sql): \(result.stderr)")
            return result.stdout.split(separator: "\n").map(String.init)
        }

        /// Waits until the killed run's server session is gone (its transaction rolled back, its
        /// locks released): a backend notices a dead client at its next read or write.
        func waitForOrphanedSessions() throws {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let others = try watcher.value("""
                    SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                    """)
                if others == "0" { return }
                usleep(10_000)
            }
            Issue.record("the killed run's session did not end within 30 s")
        }

        var backups: URL { folder.backups }
        var secret: String? { try? PostgresTestEnvironment.password() }

        func lifeboat(_ arguments: [String]) throws -> (exitCode: Int32, stdout: String, stderr: String) {
            let result = try LifeboatProcess.run(arguments + ["--migrations", folder.migrations.path, "--backups", folder.backups.path],
                                                 in: folder.root, databaseURL: database.url.original,
                                                 environment: ["LIFEBOAT_KEEP": "1000"])
            return (result.exitCode, result.stdout, result.stderr)
        }

        /// Once the killed run's session is gone: every table complete (the bulk and each copy
        /// hold all rows), then the history and the tables, all with `psql`.
        func inspect(_ label: String) throws -> (history: [[String]], tables: Set<String>) {
            try waitForOrphanedSessions()
            let rows = try psql("SELECT version || '|' || status || '|' || coalesce(snapshot_id, '') FROM lifeboat_history ORDER BY version")
                .map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
            let tables = Set(try psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            for table in tables where table == "bulk" || table.hasPrefix("t0") {
                #expect(try psql("SELECT count(*) FROM \(table)") == ["30000"], "\(label): \(table) incomplete")
            }
            return (rows, tables)
        }

        func restore(_ id: String) throws {
            let result = try lifeboat(["restore", id, "--yes", "--no-safety-snapshot"])
            #expect(result.exitCode == 0, "restore \(id): \(result.stderr)")
        }

        func snapshotID() throws -> String {
            let result = try lifeboat(["snapshot", "--format", "json"])
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return try #require((json?["snapshot"] as? [String: Any])?["id"] as? String, "\(result.stdout)")
        }
    }

    @Test("kill -9 during migrate: history equals effects")
    func killDuringMigrate() throws {
        try TestDatabase.with { database in
            let bench = try Bench(database, broken: false)
            #expect(try bench.lifeboat(["migrate", "--target", "0001"]).exitCode == 0)
            let start = try bench.snapshotID()
            let calibration = try bench.run(["migrate", "--target", "0005"], killingAfter: .infinity, trigger: nil)
            #expect(calibration.exitCode == 0)
            for trial in 0..<CrashTrials.perPhase(default: 4) {
                try bench.restore(start)
                try bench.migrateTrial(trial, runSeconds: calibration.seconds, tally: Self.tally)
            }
        }
        print(Self.tally.summary)
    }

    @Test("kill -9 during the automatic restore after a failed run: the restoring marker is named by status, and restore clears it")
    func killDuringAutomaticRestore() throws {
        try TestDatabase.with { database in
            let bench = try Bench(database, broken: true)
            #expect(try bench.lifeboat(["migrate", "--target", "0001"]).exitCode == 0)
            let start = try bench.snapshotID()
            for trial in 0..<CrashTrials.perPhase(default: 4) {
                if trial > 0 { try bench.restore(start) }
                // Killed once the marker is committed: the restore of the pre-run snapshot is starting.
                try bench.automaticRestoreTrial(trial, window: 0.1, underWay: bench.markerCommitted, tally: Self.tally)
            }
        }
        print(Self.tally.summary)
    }

    @Test("kill -9 during restore: the database is the old one or the restored one, never between")
    func killDuringRestore() throws {
        try TestDatabase.with { database in
            let bench = try Bench(database, broken: false)
            #expect(try bench.lifeboat(["migrate", "--target", "0001"]).exitCode == 0)
            let start = try bench.snapshotID()
            #expect(try bench.lifeboat(["migrate", "--target", "0005"]).exitCode == 0)
            let migrated = try bench.snapshotID()
            let calibration = try bench.run(["restore", start, "--yes"], killingAfter: .infinity, trigger: nil)
            #expect(calibration.exitCode == 0)
            for trial in 0..<CrashTrials.perPhase(default: 4) {
                try bench.restore(migrated)
                let before = bench.manifestCount()
                try bench.restoreTrial(trial, snapshot: start, runSeconds: calibration.seconds, window: 0.3,
                                       underWay: { bench.manifestCount() > before }, tally: Self.tally)
            }
        }
        print(Self.tally.summary)
    }
}
