import EngineConformance
import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// The SPEC v2 file rules on PostgreSQL, through the real binary (issue 10, items A, B and 6): a NUL
/// byte and a transaction-control statement are refused (exit 3, nothing changed) where PostgreSQL
/// used to apply the text before the NUL or exit 0 after a `ROLLBACK`; an up section of only
/// comments is applied as a no-op.
@Suite("Migration file rules on PostgreSQL", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresMigrationFileRulesTests {
    static let first = "CREATE TABLE items (id int PRIMARY KEY);\n"

    func lifeboat(_ folder: MigrationFolder, _ database: TestDatabase, _ arguments: String...) throws -> LifeboatProcess.Result {
        try LifeboatProcess.run(arguments + ["--migrations", folder.migrations.path, "--backups", folder.backups.path],
                                in: folder.root, databaseURL: database.url.original)
    }

    /// `migrate`, `plan` and `verify` refuse with exit 3 and `expected` in the message; nothing changes.
    func expectRefused(_ folder: MigrationFolder, _ database: TestDatabase, _ expected: [String],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let engine = try database.open()
        defer { engine.close() }
        let before = try engine.rows("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY relname")
        for command in ["migrate", "plan", "verify", "status"] {
            let result = try lifeboat(folder, database, command)
            #expect(result.exitCode == 3, "\(command): \(result.output)", sourceLocation: sourceLocation)
            for text in expected { #expect(result.stderr.contains(text), "\(command): \(result.output)", sourceLocation: sourceLocation) }
        }
        #expect(try engine.rows("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY relname") == before,
                sourceLocation: sourceLocation)
        #expect(try engine.rows("SELECT version FROM lifeboat_history ORDER BY version") == [["0001"]], sourceLocation: sourceLocation)
    }

    @Test("a NUL byte: exit 3 with the offset, and the text before it is not applied")
    func nulByte() throws {
        try TestDatabase.with { database in
            let folder = try MigrationFolder(["0001_items.sql": Self.first])
            #expect(try lifeboat(folder, database, "migrate").exitCode == 0)
            let bytes = Array("CREATE TABLE before_nul (id int);\n".utf8) + [0] + Array("CREATE TABLE after_nul (id int);\n".utf8)
            try Data(bytes).write(to: folder.migrations.appendingPathComponent("0002_nul.sql"))
            try expectRefused(folder, database, ["0002_nul.sql", "offset 34"])
        }
    }

    @Test("COMMIT, ROLLBACK or START TRANSACTION in a transactional migration: exit 3 with file and line, nothing changed")
    func transactionControl() throws {
        try TestDatabase.with { database in
            let folder = try MigrationFolder(["0001_items.sql": Self.first])
            #expect(try lifeboat(folder, database, "migrate").exitCode == 0)
            try folder.write("0002_commit.sql", "CREATE TABLE before_commit (id int);\nCOMMIT;\nCREATE TABLE after_commit (id int);\nSELECT 1/0;\n")
            try expectRefused(folder, database, ["0002_commit.sql:2", "COMMIT"])
            try folder.write("0002_commit.sql", "CREATE TABLE rolled (id int);\nROLLBACK;\n")
            try expectRefused(folder, database, ["0002_commit.sql:2", "ROLLBACK"])
            try folder.write("0002_commit.sql", "START TRANSACTION;\nCREATE TABLE started (id int);\n")
            try expectRefused(folder, database, ["0002_commit.sql:1", "START TRANSACTION"])
            // A function body with COMMIT in it is not a transaction-control statement.
            try folder.write("0002_commit.sql", """
                CREATE PROCEDURE batch() LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$;
                CREATE FUNCTION one() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;
                """)
            let applied = try lifeboat(folder, database, "migrate")
            #expect(applied.exitCode == 0, "\(applied.output)")
        }
    }

    @Test("an up section of only comments is applied as a no-op and recorded with its checksum")
    func commentOnlyUp() throws {
        try TestDatabase.with { database in
            let folder = try MigrationFolder([
                "0001_items.sql": Self.first,
                "0002_nothing.sql": "-- SQLite needs this; nothing to do on PostgreSQL\n/* really nothing */\n-- lifeboat:down\n",
            ])
            let engine = try database.open()
            defer { engine.close() }
            let result = try lifeboat(folder, database, "migrate")
            #expect(result.exitCode == 0, "\(result.output)")
            let checksum = MigrationChecksum.of(upSection: "-- SQLite needs this; nothing to do on PostgreSQL\n/* really nothing */\n")
            #expect(try engine.rows("SELECT version, status, checksum FROM lifeboat_history ORDER BY version")
                    == [["0001", "applied", try #require(try engine.value("SELECT checksum FROM lifeboat_history WHERE version = '0001'"))],
                        ["0002", "applied", checksum]])
            #expect(try engine.value("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname NOT LIKE 'lifeboat_history%' AND relname <> 'items' AND relname <> 'items_pkey'") == "0")
            #expect(try lifeboat(folder, database, "verify").exitCode == 0)
            let rolledBack = try lifeboat(folder, database, "rollback", "--yes")
            #expect(rolledBack.exitCode == 0, "\(rolledBack.output)")
        }
    }
}
