import Foundation
import Testing

/// The README's example migration, pasted as it is into a migrations folder, migrates, verifies
/// and rolls back.
@Suite struct ReadmeExampleMigrationTests {
    /// The first ```sql block under "## Migration files" in README.md.
    static func example() throws -> String {
        let readme = try String(contentsOf: Workspace.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Migration files").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```sql\n").dropFirst().first)
        return try #require(block.components(separatedBy: "```").first)
    }

    @Test func exampleMigrationWorksAsPasted() throws {
        let workspace = try Workspace(exampleMigrations: false)
        try workspace.write("migrations/0001_create_users.sql", try Self.example())
        let migrate = try workspace.run("migrate")
        #expect(migrate.exitCode == 0, "\(migrate.stdout)\(migrate.stderr)")
        _ = try Shell.run("sqlite3", [workspace.path("app.sqlite"), "INSERT INTO users (email) VALUES ('ada@example.com');"])
        let verify = try workspace.run("verify", "--format", "json")
        #expect(verify.exitCode == 0, "\(verify.stderr)")
        #expect(try verify.json()["verified"] as? [String] == ["0001"])
        let rollback = try workspace.run("rollback", "--yes")
        #expect(rollback.exitCode == 0, "\(rollback.stderr)")
        #expect(try Shell.run("sqlite3", [workspace.path("app.sqlite"), "SELECT name FROM sqlite_master WHERE name = 'users';"]).isEmpty)
    }
}
