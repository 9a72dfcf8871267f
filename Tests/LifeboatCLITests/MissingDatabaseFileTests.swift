import Foundation
import Testing

/// SPEC v2: only `migrate`, `create` and `restore` make a new database. Every other command on a
/// SQLite path that does not exist exits 2 saying so, and creates no file — not the database,
/// not its `.lock`, not a backups folder.
@Suite struct MissingDatabaseFileTests {
    static let readOnlyCommands: [[String]] = [
        ["status"], ["plan"], ["verify"], ["schema"], ["snapshot"], ["snapshots"],
        ["baseline", "1", "--yes"], ["repair", "--yes"], ["rollback", "--yes"], ["prune"],
    ]

    @Test(arguments: readOnlyCommands)
    func commandOnAMistypedPathExitsTwoAndCreatesNothing(_ command: [String]) throws {
        let workspace = try Workspace()
        let before = try FileManager.default.contentsOfDirectory(atPath: workspace.root.path).sorted()
        let result = try LifeboatBinary.run(command + ["--database-url", "sqlite:typo.sqlite"], in: workspace.root)
        #expect(result.exitCode == 2, "\(command): \(result.stderr)")
        #expect(result.stderr.contains("database file \(workspace.path("typo.sqlite")) does not exist"), "\(result.stderr)")
        let after = try FileManager.default.contentsOfDirectory(atPath: workspace.root.path).sorted()
        #expect(after == before, "\(command) created \(Set(after).subtracting(before))")
        #expect(!workspace.exists("typo.sqlite") && !workspace.exists("typo.sqlite.lock"))
    }

    @Test func jsonErrorIsAUsageError() throws {
        let workspace = try Workspace()
        let result = try workspace.run("status", "--format", "json")
        #expect(result.exitCode == 2)
        let error = try #require(try result.json()["error"] as? [String: Any])
        #expect(error["kind"] as? String == "usage")
        #expect((error["message"] as? String)?.contains("does not exist") == true)
        #expect(!workspace.exists("app.sqlite") && !workspace.exists("app.sqlite.lock"))
    }

    @Test func migrateStillCreatesTheDatabase() throws {
        let workspace = try Workspace()
        let result = try workspace.run("migrate", "--database-url", "sqlite:new.sqlite")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(workspace.exists("new.sqlite"))
        #expect(try workspace.run("status", "--database-url", "sqlite:new.sqlite").exitCode == 0)
    }
}
