import EngineConformance
import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// SPEC "Lint" (v2) on PostgreSQL through the real binary: a statement that cannot run in a
/// transaction, in a transactional migration, exits 3 from `lint`, `plan` and `migrate` whatever is
/// allowed, with nothing changed; a v2 finding fails `plan` (6) unless allowed; a table created by an
/// earlier pending migration is not an existing one.
@Suite("Lint on PostgreSQL through the binary", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresLintCommandTests {
    static let items = """
        CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);
        INSERT INTO items VALUES (1, 'apple'), (2, 'pear');
        """

    func run(_ command: String, _ folder: MigrationFolder, _ database: TestDatabase, _ arguments: String...) throws -> LifeboatProcess.Result {
        var all = [command, "--migrations", folder.migrations.path, "--format", "json"]
        if command != "lint" { all += ["--backups", folder.backups.path] }
        return try LifeboatProcess.run(all + arguments, in: folder.root, databaseURL: database.url.original)
    }

    @Test("CREATE INDEX CONCURRENTLY without no-transaction: exit 3 from lint, plan and migrate, even allowed, nothing changed")
    func concurrentlyInATransactionIsAnError() throws {
        try TestDatabase.with { database in
            let folder = try MigrationFolder(["0001_items.sql": Self.items])
            #expect(try run("migrate", folder, database).exitCode == 0)
            try folder.write("0002_index.sql", "-- lifeboat:allow-destructive\nCREATE TABLE extra (id int);\nCREATE INDEX CONCURRENTLY items_name ON items (name);\n")
            for (command, arguments) in [("lint", ["--allow-destructive"]), ("plan", ["--allow-destructive"]), ("migrate", [])] {
                let result = try LifeboatProcess.run([command, "--migrations", folder.migrations.path, "--backups", folder.backups.path,
                                                      "--format", "json"] + arguments, in: folder.root, databaseURL: database.url.original)
                #expect(result.exitCode == 3, "\(command): \(result.output)")
                let message = (try result.json()["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(message.contains("0002_index.sql:3: CREATE INDEX CONCURRENTLY cannot run inside a transaction"), "\(command): \(message)")
            }
            let engine = try database.open()
            defer { engine.close() }
            #expect(try engine.value("SELECT to_regclass('extra') IS NULL")?.hasPrefix("t") == true)
            #expect(try engine.rows("SELECT version FROM lifeboat_history ORDER BY version") == [["0001"]])
        }
    }

    @Test("plan: a v2 finding exits 6 unless allowed; a table created by an earlier pending migration is not existing")
    func planReportsTheV2Rules() throws {
        try TestDatabase.with { database in
            let folder = try MigrationFolder(["0001_items.sql": Self.items])
            #expect(try run("migrate", folder, database).exitCode == 0)
            try folder.write("0002_token.sql", "ALTER TABLE items ADD COLUMN token uuid DEFAULT gen_random_uuid();\n")
            let failed = try run("plan", folder, database)
            #expect(failed.exitCode == 6, "\(failed.output)")
            let lint = try #require(try failed.json()["lint"] as? [[String: Any]])
            #expect(lint.map { $0["rule"] as? String } == ["add-column-volatile-default"])
            #expect(lint.first?["line"] as? Int == 1)
            #expect((lint.first?["file"] as? String)?.hasSuffix("0002_token.sql") == true)
            #expect(try run("plan", folder, database, "--allow-destructive").exitCode == 0)
            try folder.write("0002_token.sql", "-- lifeboat:allow-destructive\nALTER TABLE items ADD COLUMN token uuid DEFAULT gen_random_uuid();\n")
            #expect(try run("plan", folder, database).exitCode == 0)

            try folder.write("0002_token.sql", "CREATE TABLE tokens (id int, owner int);\n")
            try folder.write("0003_token.sql", "ALTER TABLE tokens ADD COLUMN token uuid DEFAULT gen_random_uuid(), ALTER COLUMN owner SET NOT NULL;\n")
            let fresh = try run("plan", folder, database)
            #expect(fresh.exitCode == 0, "\(fresh.output)")
            #expect(try run("lint", folder, database, "migrations/0003_token.sql").exitCode == 6, "read alone, tokens is existing")
        }
    }
}
