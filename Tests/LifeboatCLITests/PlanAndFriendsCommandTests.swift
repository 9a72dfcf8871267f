import Foundation
import Testing

/// `plan`, `lint`, `verify`, `rollback`, `baseline`, `repair` and `schema` through the binary:
/// exit codes and the JSON shapes of the SPEC.
@Suite struct PlanAndFriendsCommandTests {
    @Test func planFailureExitsOneAndLeavesNoCopyBehind() throws {
        let workspace = try Workspace()
        try FileManager.default.createDirectory(atPath: workspace.path("tmp"), withIntermediateDirectories: true)
        try workspace.write("migrations/0007_broken.sql", "SELECT 1;\nINSERT INTO nowhere VALUES (1);\n")
        // SPEC v2: `plan` never creates the database; an empty file is a database with nothing applied.
        #expect(FileManager.default.createFile(atPath: workspace.path("app.sqlite"), contents: nil))
        let result = try LifeboatBinary.run(["plan", "--format", "json"], in: workspace.root, environment: ["TMPDIR": workspace.path("tmp")])
        #expect(result.exitCode == 1)
        let json = try result.json()
        #expect(json["command"] as? String == "plan")
        #expect((json["error"] as? [String: Any])?["message"].map { "\($0)" }?.contains("0007_broken.sql:2") == true)
        let migrations = try #require(json["migrations"] as? [[String: Any]])
        #expect(migrations.count == 7)
        #expect(migrations.allSatisfy { $0.keys.contains("rehearsal_ms") && $0["checksum"] is String })
        #expect(json["lint"] is [Any])
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.path("tmp")).isEmpty, "the rehearsal copy is gone")
        let backups = (try? FileManager.default.contentsOfDirectory(atPath: workspace.path("backups"))) ?? []
        #expect(backups.isEmpty, "plan takes no snapshot: \(backups)")
        let dryRun = try workspace.run("migrate", "--dry-run")
        #expect(dryRun.exitCode == 1)
        #expect(try workspace.run("status", "--format", "json").json()["current_version"] is NSNull)
    }

    @Test func lintExitsSixAndAllowsWhenAsked() throws {
        let workspace = try Workspace()
        try workspace.write("migrations/0007_cleanup.sql", "-- DROP TABLE users in a comment\nSELECT 'DROP TABLE users';\nDELETE FROM comments;\n")
        let result = try workspace.run("lint", "--format", "json")
        #expect(result.exitCode == 6)
        let findings = try #require(try result.json()["lint"] as? [[String: Any]])
        #expect(findings.count == 1)
        #expect(findings.first?["rule"] as? String == "delete-without-where")
        #expect(findings.first?["line"] as? Int == 3)
        #expect((findings.first?["file"] as? String)?.hasSuffix("0007_cleanup.sql") == true)
        #expect(try workspace.run("lint", "--allow-destructive").exitCode == 0)
        #expect(try workspace.run("lint", "migrations/0001_create_users.sql").exitCode == 0)
        // SPEC v2: `plan` never creates the database; an empty file is a database with nothing applied.
        #expect(FileManager.default.createFile(atPath: workspace.path("app.sqlite"), contents: nil))
        #expect(try workspace.run("plan").exitCode == 6)
    }

    @Test func rollbackNeedsYesAndReturnsJSON() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate").exitCode == 0)
        #expect(try workspace.run("rollback").exitCode == 2, "no terminal, no --yes")
        let result = try workspace.run("rollback", "--steps", "2", "--yes", "--format", "json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try result.json()
        #expect((json["migrations"] as? [[String: Any]])?.map { $0["version"] as? String } == ["0006", "0005"])
        #expect(json["snapshot"] is [String: Any])
        #expect(json["restored"] as? Bool == false)
        #expect(json["total_ms"] is Int)
        #expect(try workspace.run("status", "--format", "json").json()["current_version"] as? String == "0004")
        #expect(try workspace.run("migrate").exitCode == 0)
    }

    @Test func verifySchemaAndBaselineThroughTheBinary() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate", "--dump-schema", "db/schema.sql").exitCode == 0)
        let verified = try workspace.run("verify", "--schema", "db/schema.sql", "--format", "json")
        #expect(verified.exitCode == 0, "\(verified.stderr)")
        #expect(try verified.json()["schema_matches"] as? Bool == true)
        _ = try Shell.run("sqlite3", [workspace.path("app.sqlite"), "CREATE INDEX by_hand ON users (name);"])
        #expect(try workspace.run("verify", "--schema", "db/schema.sql").exitCode == 3)

        let adopted = try Workspace()
        _ = try Shell.run("sqlite3", [adopted.path("app.sqlite"), "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);"])
        #expect(try adopted.run("baseline", "1").exitCode == 2, "needs --yes")
        let baseline = try adopted.run("baseline", "1", "--yes", "--format", "json")
        #expect(baseline.exitCode == 0, "\(baseline.stderr)")
        #expect((try baseline.json()["changes"] as? [String])?.count == 1)
        let migrate = try adopted.run("migrate", "--format", "json")
        #expect(migrate.exitCode == 0, "\(migrate.stderr)")
        #expect((try migrate.json()["migrations"] as? [[String: Any]])?.first?["version"] as? String == "0002")
        #expect(try adopted.run("repair", "--yes").exitCode == 0)
        let schema = try adopted.run("schema")
        #expect(schema.stdout.contains("CREATE TABLE projects"))
        #expect(try adopted.run("schema", "schema.sql").exitCode == 0)
        #expect(try String(contentsOfFile: adopted.path("schema.sql"), encoding: .utf8) == schema.stdout,
                "`schema > file` and `schema file` write the same bytes")
    }
}
