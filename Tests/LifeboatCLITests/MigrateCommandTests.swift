import Foundation
import LifeboatEngines
import LifeboatKit
import Testing

/// `lifeboat migrate` through the real binary, on the embedded SQLite default.
@Suite struct MigrateCommandTests {
    @Test func appliesExampleMigrationsThenIsUpToDate() throws {
        let workspace = try Workspace()
        let first = try workspace.run("migrate")
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(workspace.exists("app.sqlite"))
        #expect(first.stdout.contains("0006_inbox_projects"))
        #expect(first.stdout.contains("6 migration(s) applied"))

        let second = try workspace.run("migrate")
        #expect(second.exitCode == 0)
        #expect(second.stdout.contains("up to date"))
    }

    @Test func jsonOutputIsOneObjectWithTheMigrations() throws {
        let workspace = try Workspace()
        let result = try workspace.run("migrate", "--format", "json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["command"] as? String == "migrate")
        #expect(json["ok"] as? Bool == true)
        #expect(json["exit_code"] as? Int == 0)
        let migrations = try #require(json["migrations"] as? [[String: Any]])
        #expect(migrations.count == 6)
        for migration in migrations {
            #expect((migration["checksum"] as? String)?.count == 64)
            #expect(migration["execution_ms"] is Int)
            #expect(migration["status"] as? String == "applied")
            #expect(migration["version"] is String && migration["description"] is String)
        }
        #expect(json["total_ms"] is Int)
        #expect(json.keys.contains("snapshot"))
        #expect(json["restored"] as? Bool == false)
    }

    @Test func failingMigrationExitsOneNamingFileAndLine() throws {
        let workspace = try Workspace()
        try workspace.write("migrations/0007_broken.sql", "-- lifeboat:up\nCREATE TABLE ok (id INTEGER);\nCREATE TABLEX nope;\n")
        let result = try workspace.run("migrate", "--format", "json")
        #expect(result.exitCode == 1)
        let json = try result.json()
        #expect(json["ok"] as? Bool == false)
        #expect(json["exit_code"] as? Int == 1)
        let error = try #require(json["error"] as? [String: Any])
        #expect(error["kind"] as? String == "migration_failed")
        #expect((error["message"] as? String)?.contains("0007_broken.sql:3") == true)
        let text = try workspace.run("migrate")
        #expect(text.exitCode == 1)
        #expect(text.stderr.contains("0007_broken.sql:3"))
    }

    @Test func validationErrorExitsThreeNamingTheFile() throws {
        let workspace = try Workspace()
        try workspace.write("migrations/0003_duplicate.sql", "SELECT 1;")
        let result = try workspace.run("migrate")
        #expect(result.exitCode == 3)
        #expect(result.stderr.contains("0003_duplicate.sql"))
        // The folder is validated before the database is even opened: nothing was created.
        #expect(!workspace.exists("app.sqlite"))
    }

    @Test func lockHeldByAnotherProcessExitsFour() throws {
        let workspace = try Workspace()
        let engine = try StandardEngines().open(try DatabaseURL("sqlite:" + workspace.path("app.sqlite")), options: EngineOptions())
        defer { engine.close() }
        #expect(try engine.tryLock(key: "lifeboat_history") == .acquired)
        let result = try workspace.run("migrate", "--lock-timeout", "0")
        #expect(result.exitCode == 4, "\(result.stderr)")
        #expect(result.stderr.contains("lock"))
        #expect(try engine.readHistory(HistoryTable()).isEmpty)
        let tables = try workspace.run("status", "--format", "json").json()
        #expect(tables["applied_count"] as? Int == 0)
    }

    @Test func targetStopsAtTheVersion() throws {
        let workspace = try Workspace()
        let result = try workspace.run("migrate", "--target", "3")
        #expect(result.exitCode == 0)
        let status = try workspace.run("status", "--format", "json").json()
        #expect(status["current_version"] as? String == "0003")
        #expect(status["pending_count"] as? Int == 3)
    }

    @Test func reportFileHoldsTheSameJSON() throws {
        let workspace = try Workspace()
        let result = try workspace.run("migrate", "--report", "out/report.json")
        #expect(result.exitCode == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: workspace.path("out/report.json")))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["command"] as? String == "migrate")
        #expect((json["migrations"] as? [Any])?.count == 6)
    }
}
