import Foundation
import Testing

/// `status` (with `--exit-code`) and `new` through the binary.
@Suite struct StatusAndNewCommandTests {
    @Test func statusListsEveryMigrationWithChecksumsAndTimings() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate").exitCode == 0)
        let result = try workspace.run("status", "--format", "json")
        #expect(result.exitCode == 0)
        let json = try result.json()
        #expect(json["command"] as? String == "status")
        #expect(json["ok"] as? Bool == true)
        #expect(json["current_version"] as? String == "0006")
        let migrations = try #require(json["migrations"] as? [[String: Any]])
        #expect(migrations.count == 6)
        #expect(migrations.allSatisfy { ($0["checksum"] as? String)?.count == 64 && $0["execution_ms"] is Int && $0["applied_at"] is String })
        #expect(migrations.allSatisfy { $0["status"] as? String == "applied" })
        #expect(json.keys.contains("latest_snapshot"))
    }

    @Test func exitCodeTenWhenPending() throws {
        let workspace = try Workspace()
        // SPEC v2: `status` never creates the database; an empty file is a database with nothing applied.
        #expect(FileManager.default.createFile(atPath: workspace.path("app.sqlite"), contents: nil))
        #expect(try workspace.run("status", "--exit-code").exitCode == 10)
        #expect(try workspace.run("status").exitCode == 0)
        #expect(try workspace.run("migrate").exitCode == 0)
        #expect(try workspace.run("status", "--exit-code").exitCode == 0)
    }

    @Test func statusWithDriftExitsThree() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate").exitCode == 0)
        try workspace.write("migrations/0001_create_users.sql", "CREATE TABLE users (id INTEGER);\n")
        let result = try workspace.run("status", "--format", "json")
        #expect(result.exitCode == 3)
        let json = try result.json()
        let migrations = try #require(json["migrations"] as? [[String: Any]])
        #expect(migrations.first?["status"] as? String == "drift")
        let error = try #require(json["error"] as? [String: Any])
        #expect(error["kind"] as? String == "validation")
        #expect((error["message"] as? String)?.contains("0001_create_users.sql") == true)
    }

    @Test func newCreatesTheNextNumberedFile() throws {
        let workspace = try Workspace()
        let result = try workspace.run("new", "add_labels")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let path = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(path.hasSuffix("migrations/0007_add_labels.sql"))
        let text = try String(contentsOfFile: path.hasPrefix("/") ? path : workspace.path(path), encoding: .utf8)
        #expect(text.contains("-- lifeboat:up") && text.contains("-- lifeboat:down"))

        let empty = try Workspace(exampleMigrations: false)
        let first = try empty.run("new", "init")
        #expect(first.stdout.contains("0001_init.sql"))
        let stamped = try empty.run("new", "later", "--timestamp")
        #expect(stamped.stdout.range(of: #"/\d{14}_later\.sql"#, options: .regularExpression) != nil)
        #expect(try empty.run("new", "bad name!").exitCode != 0)
    }
}
