import Foundation
import Testing

/// SPEC "Lint" (v2): a statement that cannot run in a transaction (here SQLite's `VACUUM`) in a
/// transactional migration makes `lint`, `plan` and `migrate` exit 3 naming file and line, whatever
/// is allowed, and nothing is applied.
@Suite struct NoTransactionStatementCommandTests {
    @Test func vacuumInATransactionalMigrationExitsThreeEverywhereAndChangesNothing() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate").exitCode == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: workspace.path("app.sqlite")))
        try workspace.write("migrations/0007_compact.sql", "-- lifeboat:allow-destructive\nCREATE TABLE extra (id int);\nVACUUM;\n")
        for arguments in [["lint"], ["lint", "--allow-destructive"], ["plan", "--allow-destructive"], ["migrate"]] {
            let result = try LifeboatBinary.run(arguments + ["--format", "json"], in: workspace.root)
            #expect(result.exitCode == 3, "\(arguments): \(result.stderr)")
            let message = (try result.json()["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("0007_compact.sql:3: VACUUM cannot run inside a transaction"), "\(arguments): \(message)")
        }
        let after = try Data(contentsOf: URL(fileURLWithPath: workspace.path("app.sqlite")))
        #expect(before == after, "the database is unchanged")
        try workspace.write("migrations/0007_compact.sql", "-- lifeboat:no-transaction\nVACUUM;\n")
        #expect(try workspace.run("lint").exitCode == 0)
    }
}
