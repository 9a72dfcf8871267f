import Foundation
import Testing

/// `lint` alone needs no database: with a PostgreSQL URL (nothing listens on port 1) it applies the
/// SPEC v2 rules, takes a table as existing unless a file it reads creates it earlier, and keeps
/// the JSON shape (`file`, `line`, `rule`, `message`).
@Suite struct LintCommandPostgresDialectTests {
    let url = "postgres://app:hunter2@127.0.0.1:1/appdb"

    @Test func v2RulesWithoutADatabase() throws {
        let workspace = try Workspace(exampleMigrations: false)
        try workspace.write("migrations/0001_users.sql", "CREATE TABLE users (id int, email text);\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n")
        try workspace.write("migrations/0002_orgs.sql", "-- a comment: ALTER TABLE orgs SET UNLOGGED;\nALTER TABLE users ADD CHECK (id > 0);\nALTER TABLE orgs ADD CHECK (id > 0);\n")
        let all = try workspace.run("lint", "--database-url", url, "--format", "json")
        #expect(all.exitCode == 6, "\(all.stderr)")
        let findings = try #require(try all.json()["lint"] as? [[String: Any]])
        #expect(findings.map { $0["rule"] as? String } == ["constraint-without-not-valid"], "only orgs: users is created by 0001, read first")
        #expect(findings.first?["line"] as? Int == 3)
        #expect((findings.first?["file"] as? String)?.hasSuffix("0002_orgs.sql") == true)
        #expect((findings.first?["message"] as? String)?.contains("safe way: ") == true)
        #expect(!all.stdout.contains("hunter2") && !all.stderr.contains("hunter2"))

        let first = try workspace.run("lint", "--database-url", url, "migrations/0001_users.sql")
        #expect(first.exitCode == 0, "created in the same file: \(first.stderr)")
        let second = try workspace.run("lint", "--database-url", url, "--format", "json", "migrations/0002_orgs.sql")
        #expect(second.exitCode == 6)
        #expect((try second.json()["lint"] as? [[String: Any]])?.map { $0["line"] as? Int } == [2, 3], "read alone, users is existing")
        #expect(try workspace.run("lint", "--database-url", url, "--allow-destructive").exitCode == 0)
        #expect(try workspace.run("lint").exitCode == 0, "SQLite: the v2 rules are PostgreSQL only")
    }
}
