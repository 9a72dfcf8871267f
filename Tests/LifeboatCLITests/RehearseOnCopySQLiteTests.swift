import Foundation
import Testing

/// `plan --rehearse-on copy` on SQLite: the rehearsal already runs on a copy of the file, so the
/// flag is accepted, changes nothing, and says so.
@Suite struct RehearseOnCopySQLiteTests {
    @Test func acceptedAsANoOpAndSaidSo() throws {
        let workspace = try Workspace()
        #expect(FileManager.default.createFile(atPath: workspace.path("app.sqlite"), contents: nil))
        let result = try workspace.run("plan", "--rehearse-on", "copy", "--allow-destructive", "--format", "json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stderr.contains("--rehearse-on copy: sqlite already rehearses on a copy of the database file"), "\(result.stderr)")
        let migrations = try #require(try result.json()["migrations"] as? [[String: Any]])
        #expect(!migrations.isEmpty && migrations.allSatisfy { $0["status"] as? String == "rehearsed" })
        #expect(migrations.allSatisfy { $0["locks"] is NSNull }, "SQLite measures no locks")

        let bad = try workspace.run("plan", "--rehearse-on", "elsewhere")
        #expect(bad.exitCode == 2, "\(bad.stderr)")
        #expect(bad.stderr.contains("--rehearse-on"), "\(bad.stderr)")
    }
}
