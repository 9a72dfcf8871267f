import Foundation
import Testing

/// Issue 11, item 5: on PostgreSQL a migration's history row travels with its COMMIT; when the
/// row cannot be recorded (here a CHECK constraint added by hand) the failure is reported as a
/// history failure of that migration, with the SQLSTATE, and nothing of it stays.
@Suite struct HistoryInsertFailureTests {
    @Test("a history row refused by a CHECK constraint: migration 0007 fails 'recording the history', SQLSTATE 23514")
    func checkConstraintOnHistory() throws {
        guard ScriptEngine.all.contains(.postgres) else { return }
        let setup = try RestoreSetup(.postgres)
        #expect(try setup.run(["migrate"]).exitCode == 0)
        _ = try PostgresServer.psql(setup.database.url,
                                    "ALTER TABLE lifeboat_history ADD CONSTRAINT no_0007 CHECK (version <> '0007')")
        try setup.repository.write("migrations/0007_more.sql", "-- lifeboat:up\nCREATE TABLE more_things (id int);\n")

        let failed = try setup.run(["migrate", "--format", "json"])
        #expect(failed.exitCode == 1, "\(failed.stdout)\(failed.stderr)")
        let report = try failed.json()
        let failure = try #require(report["failure"] as? [String: Any], "\(report)")
        #expect(failure["version"] as? String == "0007")
        let message = try #require(failure["message"] as? String)
        #expect(message.contains("recording the history"), "\(message)")
        #expect(message.contains("no_0007"), "\(message)")
        let error = try #require(report["error"] as? [String: Any])
        #expect(error["sqlstate"] as? String == "23514", "\(error)")
        #expect(try setup.version() == "0006")
        #expect(try PostgresServer.psql(setup.database.url, "SELECT to_regclass('more_things') IS NULL")
                    .trimmingCharacters(in: .whitespacesAndNewlines) == "t", "the migration was rolled back")
    }
}
