import Foundation
import Testing

/// `--lock-retries N` / `LIFEBOAT_LOCK_RETRIES`: on SQLite (no lock_timeout) nothing is ever
/// retried and every migration reports `lock_retries: 0`; a bad value is a usage error naming the
/// flag or the variable, before anything is touched.
@Suite struct LockRetriesOptionTests {
    @Test("SQLite: each migration reports lock_retries 0, and a failing migration is not retried whatever --lock-retries says")
    func sqliteNeverRetries() throws {
        let workspace = try Workspace(exampleMigrations: false)
        try workspace.write("migrations/0001_t.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY);\n")
        let applied = try workspace.run("migrate", "--format", "json", "--lock-retries", "5")
        #expect(applied.exitCode == 0, "\(applied.stderr)")
        let entries = try #require(try applied.json()["migrations"] as? [[String: Any]])
        #expect(entries.map { $0["lock_retries"] as? Int } == [0])

        try workspace.write("migrations/0002_bad.sql", "INSERT INTO missing_table VALUES (1);\n")
        let failed = try workspace.run("migrate", "--format", "json", "--lock-retries", "5")
        #expect(failed.exitCode == 1, "\(failed.stderr)")
        let json = try failed.json()
        #expect((json["migrations"] as? [[String: Any]])?.last?["lock_retries"] as? Int == 0)
        #expect((json["failure"] as? [String: Any])?.keys.contains("blockers") == false, "not a lock problem: no blockers key")
        #expect(!failed.stderr.contains("lock timeout"), "\(failed.stderr)")
    }

    @Test("a bad --lock-retries or LIFEBOAT_LOCK_RETRIES is exit 2 naming it; nothing is created")
    func badValues() throws {
        let workspace = try Workspace()
        let flag = try workspace.run("migrate", "--lock-retries", "many")
        #expect(flag.exitCode == 2)
        #expect(flag.stderr.contains("--lock-retries") && flag.stderr.contains("many"), "\(flag.stderr)")
        let variable = try workspace.run("migrate", environment: ["LIFEBOAT_LOCK_RETRIES": "-1"])
        #expect(variable.exitCode == 2)
        #expect(variable.stderr.contains("LIFEBOAT_LOCK_RETRIES"), "\(variable.stderr)")
        #expect(!workspace.exists("app.sqlite"))
    }
}
