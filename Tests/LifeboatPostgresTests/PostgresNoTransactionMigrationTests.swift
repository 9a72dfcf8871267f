import EngineConformance
import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// `-- lifeboat:no-transaction` on PostgreSQL, through the real binary: `CREATE INDEX CONCURRENTLY`
/// applies; a migration that fails after its first statement leaves a `failed` row (dirty) with
/// `--on-failure keep`, which `migrate` then refuses, and is undone by the snapshot by default.
@Suite("No-transaction migrations on PostgreSQL", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresNoTransactionMigrationTests {
    static let items = """
        CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);
        INSERT INTO items VALUES (1, 'apple'), (2, 'pear'), (3, 'apple');
        """
    static let concurrentIndex = """
        -- lifeboat:no-transaction
        CREATE INDEX CONCURRENTLY items_name ON items (name);
        """
    /// The first statement commits on its own; the second fails (duplicate names) and leaves an
    /// invalid index behind, as `CREATE UNIQUE INDEX CONCURRENTLY` does.
    static let halfway = """
        -- lifeboat:no-transaction
        CREATE TABLE halfway (id int);
        CREATE UNIQUE INDEX CONCURRENTLY items_unique_name ON items (name);
        """

    func migrate(_ folder: MigrationFolder, _ database: TestDatabase, _ arguments: String...) throws -> LifeboatProcess.Result {
        try LifeboatProcess.run(["migrate", "--migrations", folder.migrations.path, "--backups", folder.backups.path] + arguments,
                                in: folder.root, databaseURL: database.url.original)
    }

    @Test("CREATE INDEX CONCURRENTLY applies, and is recorded like any migration")
    func concurrentIndexApplies() throws {
        try TestDatabase.with { database in
            let folder = try MigrationFolder(["0001_items.sql": Self.items, "0002_items_name.sql": Self.concurrentIndex])
            let result = try migrate(folder, database)
            #expect(result.exitCode == 0, "\(result.output)")
            let engine = try database.open()
            defer { engine.close() }
            #expect(try engine.value("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'items_name'::regclass") == "true")
            #expect(try engine.rows("SELECT version, status FROM lifeboat_history ORDER BY version")
                    == [["0001", "applied"], ["0002", "applied"]])
        }
    }

    @Test("failing halfway: --on-failure keep leaves it dirty and migrate refuses (exit 3, naming restore and repair); the default restores the snapshot")
    func failingHalfway() throws {
        try TestDatabase.with { database in
            let folder = try MigrationFolder(["0001_items.sql": Self.items, "0002_items_name.sql": Self.concurrentIndex])
            #expect(try migrate(folder, database).exitCode == 0)
            let engine = try database.open()
            defer { engine.close() }
            func tableExists(_ name: String) throws -> Bool { try engine.value("SELECT to_regclass('\(name)') IS NOT NULL") == "t" }
            func indexExists(_ name: String) throws -> Bool { try tableExists(name) }
            try folder.write("0003_halfway.sql", Self.halfway)

            // keep: the first statement stays, the row says failed.
            let kept = try migrate(folder, database, "--on-failure", "keep")
            #expect(kept.exitCode == 1, "\(kept.output)")
            #expect(kept.stderr.contains("0003_halfway.sql:3"), "\(kept.output)")
            #expect(try engine.rows("SELECT version, status FROM lifeboat_history ORDER BY version")
                    == [["0001", "applied"], ["0002", "applied"], ["0003", "failed"]])
            #expect(try tableExists("halfway"))
            let snapshotID = try #require(try engine.value("SELECT snapshot_id FROM lifeboat_history WHERE version = '0003'"))

            // Dirty: migrate refuses before doing anything, and says the ways out.
            let refused = try migrate(folder, database)
            #expect(refused.exitCode == 3, "\(refused.output)")
            #expect(refused.stderr.contains("lifeboat restore \(snapshotID)"), "\(refused.output)")
            #expect(refused.stderr.contains("lifeboat repair"), "\(refused.output)")
            #expect(try engine.value("SELECT count(*) FROM lifeboat_history WHERE status = 'failed'") == "1")

            // Out through the snapshot the message names.
            let restored = try LifeboatProcess.run(["restore", snapshotID, "--yes", "--backups", folder.backups.path],
                                                   in: folder.root, databaseURL: database.url.original)
            #expect(restored.exitCode == 0, "\(restored.output)")
            #expect(try !tableExists("halfway"))
            #expect(try !indexExists("items_unique_name"))

            // The default, --on-failure restore: the run's snapshot goes back.
            let before = try engine.value("SELECT count(*) FROM pg_class")
            let failed = try migrate(folder, database)
            #expect(failed.exitCode == 1, "\(failed.output)")
            #expect(failed.stderr.contains("restored"), "\(failed.output)")
            #expect(try engine.value("SELECT count(*) FROM lifeboat_history WHERE status = 'failed'") == "0")
            #expect(try engine.rows("SELECT version FROM lifeboat_history ORDER BY version") == [["0001"], ["0002"]])
            #expect(try !tableExists("halfway"), "the first statement's table is gone")
            #expect(try !indexExists("items_unique_name"), "the invalid index is gone")
            #expect(try indexExists("items_name"))
            #expect(try engine.value("SELECT count(*) FROM pg_class") == before)
        }
    }
}
