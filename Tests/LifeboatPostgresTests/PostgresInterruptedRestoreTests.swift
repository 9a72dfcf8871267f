import EngineConformance
import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// The `restoring` marker on PostgreSQL, through the real binary (SPEC "The history table", v2):
/// the same contract as `InterruptedRestoreTests` on SQLite. The kill during the automatic restore
/// is simulated by committing the marker row into a database that a failed `--on-failure keep`
/// run left half-migrated (`PostgresCrashTests` does real kills).
@Suite("Interrupted restore (restoring marker) on PostgreSQL", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresInterruptedRestoreTests {
    func run(_ folder: MigrationFolder, _ database: TestDatabase, _ arguments: String...) throws -> LifeboatProcess.Result {
        try LifeboatProcess.run(arguments + ["--migrations", folder.migrations.path, "--backups", folder.backups.path],
                                in: folder.root, databaseURL: database.url.original)
    }

    @Test("status names it (exit 3, text and JSON); migrate, rollback, baseline refuse; restore <id> clears it; repair drops it loudly")
    func interruptedRestore() throws {
        try TestDatabase.with { database in
            let folder = try MigrationFolder(["0001_items.sql": "CREATE TABLE items (id int PRIMARY KEY);"])
            #expect(try run(folder, database, "migrate").exitCode == 0)
            try folder.write("0002_seven.sql", "CREATE TABLE seven (id int);")
            try folder.write("0003_broken.sql", "CREATE TABLE eight (id int);\nCREATE TABLEX nope;")
            let failed = try run(folder, database, "migrate", "--on-failure", "keep", "--format", "json")
            #expect(failed.exitCode == 1, "\(failed.output)")
            let snapshot = try #require((try failed.json()["snapshot"] as? [String: Any])?["id"] as? String)
            let engine = try database.open()
            defer { engine.close() }
            func sevenExists() throws -> Bool { try engine.value("SELECT to_regclass('seven') IS NOT NULL") == "t" }
            try engine.execute(SQLScript("""
                INSERT INTO lifeboat_history (version, description, checksum, status, applied_at, execution_ms, applied_by, snapshot_id)
                VALUES ('restoring', 'killed', '', 'restoring', '2026-11-30T20:00:00.000Z', 0, 'test@host', '\(snapshot)')
                """))

            let text = try run(folder, database, "status")
            #expect(text.exitCode == 3, "\(text.output)")
            #expect(text.stdout.contains("interrupted restore of snapshot \(snapshot)"), "\(text.output)")
            #expect(text.stderr.contains("lifeboat restore \(snapshot)"), "\(text.output)")
            let json = try run(folder, database, "status", "--format", "json").json()
            #expect(json["exit_code"] as? Int == 3)
            #expect(json["interrupted_restore"] as? String == snapshot)
            #expect(json["current_version"] as? String == "0002")

            for arguments in [["migrate"], ["rollback", "--yes"], ["baseline", "0002", "--yes"]] {
                let refused = try LifeboatProcess.run(
                    arguments + ["--migrations", folder.migrations.path, "--backups", folder.backups.path],
                    in: folder.root, databaseURL: database.url.original)
                #expect(refused.exitCode == 3, "\(arguments): \(refused.output)")
                #expect(refused.stderr.contains("lifeboat restore \(snapshot)"), "\(arguments): \(refused.output)")
            }
            #expect(try sevenExists(), "nothing changed by the refused commands")

            // repair keeps the database as it is, dropping the marker with a line that says so.
            let repaired = try run(folder, database, "repair", "--yes")
            #expect(repaired.exitCode == 0, "\(repaired.output)")
            #expect(repaired.stdout.contains("restoring marker") && repaired.stdout.contains(snapshot), "\(repaired.output)")
            #expect(try engine.value("SELECT count(*) FROM lifeboat_history WHERE status = 'restoring'") == "0")
            #expect(try sevenExists())

            // Marker back, and this time the way out the message names.
            try engine.execute(SQLScript("""
                INSERT INTO lifeboat_history (version, description, checksum, status, applied_at, execution_ms, applied_by, snapshot_id)
                VALUES ('restoring', 'killed', '', 'restoring', '2026-11-30T20:00:00.000Z', 0, 'test@host', '\(snapshot)')
                """))
            let restored = try run(folder, database, "restore", snapshot, "--yes")
            #expect(restored.exitCode == 0, "\(restored.output)")
            #expect(try engine.value("SELECT count(*) FROM lifeboat_history WHERE status = 'restoring'") == "0")
            #expect(try !sevenExists())
            let after = try run(folder, database, "status", "--format", "json")
            #expect(after.exitCode == 0, "\(after.output)")
            #expect(try after.json()["current_version"] as? String == "0001")
        }
    }
}
