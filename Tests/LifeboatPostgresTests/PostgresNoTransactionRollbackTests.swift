import EngineConformance
import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// `no-transaction` applies to the down section too (issue 10, item 3): the no-transaction example of
/// docs/migration-files.md (`CREATE INDEX CONCURRENTLY` up, `DROP INDEX CONCURRENTLY` down) migrates
/// and rolls back on PostgreSQL through the real binary, as do dbmate's
/// `-- migrate:down transaction:false` and a golang-migrate `.down.sql` with its own directive.
@Suite("No-transaction down sections on PostgreSQL", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresNoTransactionRollbackTests {
    static let tasks = "CREATE TABLE tasks (id int PRIMARY KEY, due_on date);\nINSERT INTO tasks VALUES (1, '2026-12-01');\n"

    /// The ```sql block of docs/migration-files.md that holds `-- lifeboat:no-transaction`.
    static func documentedExample() throws -> String {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: repository.appendingPathComponent("docs/migration-files.md"), encoding: .utf8)
        let blocks = page.components(separatedBy: "```sql\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        return try #require(blocks.first { $0.contains("-- lifeboat:no-transaction") && $0.contains("DROP INDEX CONCURRENTLY") })
    }

    func lifeboat(_ folder: MigrationFolder, _ database: TestDatabase, _ arguments: String...) throws -> LifeboatProcess.Result {
        try LifeboatProcess.run(arguments + ["--migrations", folder.migrations.path, "--backups", folder.backups.path],
                                in: folder.root, databaseURL: database.url.original)
    }

    /// Migrates, checks that `index` exists and is valid, rolls back one step, checks it is gone and
    /// the history row with it.
    func migratesAndRollsBack(_ files: [String: String], index: String, version: String) throws {
        try TestDatabase.with { database in
            let folder = try MigrationFolder(files)
            let migrated = try lifeboat(folder, database, "migrate")
            #expect(migrated.exitCode == 0, "\(migrated.output)")
            let engine = try database.open()
            defer { engine.close() }
            #expect(try engine.value("SELECT indisvalid::text FROM pg_index WHERE indexrelid = to_regclass('\(index)')") == "true")

            let rolledBack = try lifeboat(folder, database, "rollback", "--yes")
            #expect(rolledBack.exitCode == 0, "\(rolledBack.output)")
            #expect(try engine.value("SELECT to_regclass('\(index)') IS NULL") == "t")
            #expect(try engine.rows("SELECT version, status FROM lifeboat_history ORDER BY version") == [["0001", "applied"]])
            #expect(try engine.value("SELECT count(*) FROM lifeboat_history WHERE version = '\(version)'") == "0")

            // And forward again, as ci-dry-run.sh does after its rollback stage.
            let again = try lifeboat(folder, database, "migrate")
            #expect(again.exitCode == 0, "\(again.output)")
            #expect(try engine.value("SELECT status FROM lifeboat_history WHERE version = '\(version)'") == "applied")
        }
    }

    @Test("the documented no-transaction example migrates and rolls back")
    func documentedExampleRollsBack() throws {
        try migratesAndRollsBack(["0001_tasks.sql": Self.tasks, "0002_tasks_due_idx.sql": try Self.documentedExample()],
                                 index: "tasks_due_idx", version: "0002")
    }

    @Test("dbmate's -- migrate:down transaction:false rolls back DROP INDEX CONCURRENTLY")
    func dbmateDownTransactionFalse() throws {
        try migratesAndRollsBack([
            "0001_tasks.sql": Self.tasks,
            "0002_due.sql": """
                -- migrate:up transaction:false
                CREATE INDEX CONCURRENTLY tasks_due ON tasks (due_on);
                -- migrate:down transaction:false
                DROP INDEX CONCURRENTLY tasks_due;
                """,
        ], index: "tasks_due", version: "0002")
    }

    @Test("a golang-migrate .down.sql with its own -- lifeboat:no-transaction rolls back")
    func golangMigrateDownFile() throws {
        try migratesAndRollsBack([
            "0001_tasks.sql": Self.tasks,
            "0002_due.up.sql": "-- lifeboat:no-transaction\nCREATE INDEX CONCURRENTLY tasks_due ON tasks (due_on);\n",
            "0002_due.down.sql": "-- lifeboat:no-transaction\nDROP INDEX CONCURRENTLY tasks_due;\n",
        ], index: "tasks_due", version: "0002")
    }

    @Test("a failing no-transaction down with --on-failure keep leaves a failed row (dirty) that names the rollback's snapshot")
    func failingDownIsDirty() throws {
        try TestDatabase.with { database in
            let folder = try MigrationFolder([
                "0001_tasks.sql": Self.tasks,
                "0002_due.sql": """
                    -- lifeboat:no-transaction
                    CREATE INDEX CONCURRENTLY tasks_due ON tasks (due_on);
                    -- lifeboat:down
                    DROP INDEX CONCURRENTLY tasks_due;
                    DROP INDEX CONCURRENTLY no_such_index;
                    """,
            ])
            #expect(try lifeboat(folder, database, "migrate").exitCode == 0)
            let engine = try database.open()
            defer { engine.close() }
            let failed = try lifeboat(folder, database, "rollback", "--yes", "--on-failure", "keep")
            #expect(failed.exitCode == 1, "\(failed.output)")
            #expect(failed.stderr.contains("0002_due.sql:5"), "\(failed.output)")
            #expect(try engine.value("SELECT status FROM lifeboat_history WHERE version = '0002'") == "failed")
            let snapshotID = try #require(try engine.value("SELECT snapshot_id FROM lifeboat_history WHERE version = '0002'"))
            let refused = try lifeboat(folder, database, "migrate")
            #expect(refused.exitCode == 3, "\(refused.output)")
            #expect(refused.stderr.contains("lifeboat restore \(snapshotID)"), "\(refused.output)")
            // That snapshot is the state before the rollback: the index is back, 0002 applied.
            let restored = try lifeboat(folder, database, "restore", snapshotID, "--yes")
            #expect(restored.exitCode == 0, "\(restored.output)")
            #expect(try engine.value("SELECT to_regclass('tasks_due') IS NOT NULL") == "t")
            #expect(try engine.value("SELECT status FROM lifeboat_history WHERE version = '0002'") == "applied")

            // The default, --on-failure restore: the half-done down is undone by the rollback's snapshot.
            let undone = try lifeboat(folder, database, "rollback", "--yes")
            #expect(undone.exitCode == 1, "\(undone.output)")
            #expect(undone.stderr.contains("restored"), "\(undone.output)")
            #expect(try engine.value("SELECT to_regclass('tasks_due') IS NOT NULL") == "t")
            #expect(try engine.rows("SELECT version, status FROM lifeboat_history ORDER BY version") == [["0001", "applied"], ["0002", "applied"]])
        }
    }
}
