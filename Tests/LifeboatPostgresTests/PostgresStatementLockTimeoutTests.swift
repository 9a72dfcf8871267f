import EngineConformance
import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// `--statement-lock-timeout`: an `ALTER TABLE` queued behind another session's lock would block
/// every later query on that table; Lifeboat gives up after the timeout instead, cleanly.
@Suite("Statement lock timeout", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresStatementLockTimeoutTests {
    @Test("an ALTER TABLE waiting behind another session's lock fails within about --statement-lock-timeout, explained, nothing changed")
    func alterTableGivesUp() throws {
        try TestDatabase.with { database in
            let folder = try MigrationFolder([
                "0001_accounts.sql": "CREATE TABLE accounts (id int PRIMARY KEY);\nINSERT INTO accounts VALUES (1);\n",
            ])
            func migrate(_ arguments: String...) throws -> LifeboatProcess.Result {
                try LifeboatProcess.run(["migrate", "--format", "json", "--migrations", folder.migrations.path,
                                         "--backups", folder.backups.path] + arguments,
                                        in: folder.root, databaseURL: database.url.original)
            }
            #expect(try migrate().exitCode == 0)
            try folder.write("0002_add_column.sql", "-- lifeboat:up\nALTER TABLE accounts ADD COLUMN balance int;\n")

            // Another session reads the table in an open transaction: its ACCESS SHARE lock lets
            // pg_dump through but makes ALTER TABLE (ACCESS EXCLUSIVE) wait.
            let reader = try database.open(lockTimeoutMs: 0)
            defer { reader.close() }
            try reader.begin()
            try reader.execute(SQLScript("SELECT * FROM accounts"))

            // No retries (SPEC v2 default: 3), so the one wait is what is timed.
            let result = try migrate("--statement-lock-timeout", "1000", "--lock-retries", "0")
            #expect(result.exitCode == 1, "\(result.output)")
            let json = try result.json()
            let migrations = try #require(json["migrations"] as? [[String: Any]])
            let failed = try #require(migrations.last)
            #expect(failed["version"] as? String == "0002")
            #expect(failed["status"] as? String == "failed")
            let waited = try #require(failed["execution_ms"] as? Int)
            #expect((900...4_000).contains(waited), "the migration waited \(waited) ms with a 1000 ms timeout")
            #expect(result.seconds < 20)

            let message = try #require((json["error"] as? [String: Any])?["message"] as? String)
            #expect(message.contains("0002_add_column.sql:2"), "\(message)")
            #expect(message.contains("lock timeout"), "\(message)")
            #expect(message.contains("1000 ms"), "\(message)")
            #expect(message.contains("another session"), "\(message)")
            #expect(message.contains("--statement-lock-timeout"), "\(message)")

            // Nothing changed, and the other session was never disturbed.
            try reader.commit()
            let engine = try database.open()
            defer { engine.close() }
            #expect(try engine.rows("SELECT version FROM lifeboat_history ORDER BY version") == [["0001"]])
            #expect(try engine.value("SELECT count(*) FROM information_schema.columns WHERE table_name = 'accounts'") == "1")

            // Once the other session is done, the same migration applies.
            #expect(try migrate("--statement-lock-timeout", "1000").exitCode == 0)
        }
    }
}
