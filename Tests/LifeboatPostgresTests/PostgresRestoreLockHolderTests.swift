import EngineConformance
import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// Issue 10, item 13: a PostgreSQL restore that gives up on a lock names who holds it — pid and
/// application_name — and says to stop the writers. Through the real binary, with a real second
/// session holding a table open in a transaction.
@Suite("A restore blocked by a lock names the holder", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresRestoreLockHolderTests {
    @Test("restore times out on another session's lock: exit 5, its pid and application_name, stop the writers; nothing changed")
    func namesTheHolder() throws {
        try TestDatabase.with { database in
            let folder = try MigrationFolder(["0001_orders.sql": "CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders VALUES (1), (2);"])
            func lifeboat(_ arguments: String...) throws -> LifeboatProcess.Result {
                try LifeboatProcess.run(arguments + ["--migrations", folder.migrations.path, "--backups", folder.backups.path],
                                        in: folder.root, databaseURL: database.url.original)
            }
            #expect(try lifeboat("migrate").exitCode == 0)
            let snapshot = try lifeboat("snapshot", "--format", "json")
            let id = try #require((try snapshot.json()["snapshot"] as? [String: Any])?["id"] as? String, "\(snapshot.output)")

            let writer = try PostgresEngine.open(try database.url(parameters: ["application_name": "orders-writer"]),
                                                 options: EngineOptions())
            defer { writer.close() }
            let pid = try #require(try writer.value("SELECT pg_backend_pid()"))
            try writer.begin()
            try writer.execute(SQLScript("INSERT INTO orders VALUES (3)"))

            let restore = try lifeboat("restore", id, "--yes", "--no-safety-snapshot", "--statement-lock-timeout", "300")
            #expect(restore.exitCode == 5, "\(restore.output)")
            #expect(restore.stderr.contains("pid \(pid)"), "\(restore.output)")
            #expect(restore.stderr.contains("application_name 'orders-writer'"), "\(restore.output)")
            #expect(restore.stderr.contains("Stop the application's writers"), "\(restore.output)")
            #expect(restore.stderr.contains("unchanged"), "\(restore.output)")
            try writer.commit()
            #expect(try writer.value("SELECT count(*) FROM orders") == "3", "the restore changed nothing")
        }
    }
}
