import Foundation
import TestSupport
import Testing

/// Migration files the SPEC v2 refuses, through the real binary on SQLite (issue 10, items 1, A, B,
/// H, 6): every command that reads the folder exits 3 naming the file and the line or offset, and
/// the database is not changed. Commands that used to hang (a NUL byte, a FIFO) run under
/// `timeout`, so a regression fails instead of blocking the suite.
@Suite struct MigrationFileErrorsCommandTests {
    /// The commands that read the migrations folder.
    static let readingCommands: [[String]] = [["migrate"], ["plan"], ["status"], ["lint"], ["verify"], ["rollback", "--yes"]]

    /// `lifeboat arguments…` killed after 60 s (exit 137) instead of hanging the test run.
    func runBounded(_ workspace: Workspace, _ arguments: [String]) throws -> LifeboatBinary.Result {
        let environment = ChildProcess.environment(dropping: { $0 == "DATABASE_URL" || $0.hasPrefix("LIFEBOAT_") })
        let result = try ChildProcess.tool("timeout", ["-s", "KILL", "60", LifeboatBinary.path] + arguments,
                                           in: workspace.root, environment: environment)
        return LifeboatBinary.Result(exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr)
    }

    /// A migrated workspace (the six examples) and the database's dump, to compare after.
    func migratedWorkspace() throws -> (Workspace, String) {
        let workspace = try Workspace()
        let migrated = try workspace.run("migrate")
        #expect(migrated.exitCode == 0, "\(migrated.stderr)")
        return (workspace, try Shell.run("sqlite3", [workspace.path("app.sqlite"), ".dump"]))
    }

    /// Every reading command exits 3 with `expected` in its message, and the database stays as it was.
    func expectRefusedEverywhere(_ workspace: Workspace, dump: String, _ expected: [String],
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        for command in Self.readingCommands {
            let result = try runBounded(workspace, command)
            #expect(result.exitCode == 3, "\(command): \(result.stdout) \(result.stderr)", sourceLocation: sourceLocation)
            for text in expected {
                #expect(result.stderr.contains(text), "\(command): \(result.stderr)", sourceLocation: sourceLocation)
            }
        }
        #expect(try Shell.run("sqlite3", [workspace.path("app.sqlite"), ".dump"]) == dump, sourceLocation: sourceLocation)
    }

    // MARK: - Item 1: directives in any letter case

    @Test func misCasedDownDirectiveIsTheDownSection() throws {
        let workspace = try Workspace(exampleMigrations: false)
        try workspace.write("migrations/0001_t.sql", """
            CREATE TABLE t (id INTEGER PRIMARY KEY);
            INSERT INTO t VALUES (1), (2), (3);
            -- Lifeboat:Down
            DROP TABLE t;
            """)
        let result = try workspace.run("migrate")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(try Shell.run("sqlite3", [workspace.path("app.sqlite"), "SELECT count(*) FROM t"]) == "3\n")
        // And it is what rollback runs.
        let rolledBack = try workspace.run("rollback", "--yes")
        #expect(rolledBack.exitCode == 0, "\(rolledBack.stderr)")
        #expect(try Shell.run("sqlite3", [workspace.path("app.sqlite"), "SELECT count(*) FROM sqlite_master WHERE name = 't'"]) == "0\n")
    }

    @Test func unknownDirectiveExitsThreeWithFileLineOnEveryCommand() throws {
        let (workspace, dump) = try migratedWorkspace()
        try workspace.write("migrations/0007_typo.sql", "-- lifeboat:upp\nCREATE TABLE typo (id INTEGER);\n")
        try expectRefusedEverywhere(workspace, dump: dump, ["0007_typo.sql:1", "-- lifeboat:upp", "-- lifeboat:down"])
    }

    // MARK: - Item A: NUL bytes

    @Test func nulByteExitsThreeWithTheOffsetInsteadOfLooping() throws {
        let (workspace, dump) = try migratedWorkspace()
        let bytes = Array("CREATE TABLE nul_before (id INTEGER);\n".utf8) + [0] + Array("CREATE TABLE nul_after (id INTEGER);\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: workspace.path("migrations/0007_nul.sql")))
        try expectRefusedEverywhere(workspace, dump: dump, ["0007_nul.sql", "offset 38"])
    }

    // MARK: - Item B: transaction control

    @Test func commitInsideAMigrationExitsThreeAndChangesNothing() throws {
        let (workspace, dump) = try migratedWorkspace()
        try workspace.write("migrations/0007_commit.sql", """
            CREATE TABLE before_commit (id INTEGER);
            COMMIT;
            CREATE TABLEX broken;
            """)
        try expectRefusedEverywhere(workspace, dump: dump, ["0007_commit.sql:2", "COMMIT"])
        try workspace.write("migrations/0007_commit.sql", "CREATE TABLE t2 (id INTEGER);\nROLLBACK;\n")
        try expectRefusedEverywhere(workspace, dump: dump, ["0007_commit.sql:2", "ROLLBACK"])
    }

    /// SPEC "Lint" (v2): VACUUM cannot run in a transaction; allow-destructive does not change that.
    @Test func vacuumInATransactionalMigrationExitsThreeEverywhere() throws {
        let (workspace, dump) = try migratedWorkspace()
        try workspace.write("migrations/0007_vacuum.sql", "-- lifeboat:allow-destructive\nCREATE TABLE t2 (id INTEGER);\nVACUUM;\n")
        try expectRefusedEverywhere(workspace, dump: dump, ["0007_vacuum.sql:3", "VACUUM cannot run inside a transaction", "no-transaction"])
    }

    // MARK: - Item H: entries and text that are not a migration

    @Test func fifoNamedLikeAMigrationExitsThreeWithoutBlocking() throws {
        let (workspace, dump) = try migratedWorkspace()
        #expect(mkfifo(workspace.path("migrations/0007_x.sql"), 0o600) == 0)
        try expectRefusedEverywhere(workspace, dump: dump, ["0007_x.sql", "FIFO"])
        let lint = try runBounded(workspace, ["lint", workspace.path("migrations/0007_x.sql")])
        #expect(lint.exitCode == 3, "\(lint.stderr)")
    }

    @Test func unterminatedCommentExitsThreeInsteadOfDroppingTheRest() throws {
        let (workspace, dump) = try migratedWorkspace()
        try workspace.write("migrations/0007_open.sql", "CREATE TABLE kept (id INTEGER);\n/* forgot to close\nCREATE TABLE lost (id INTEGER);\n")
        try expectRefusedEverywhere(workspace, dump: dump, ["0007_open.sql:2", "/* comment"])
    }

    @Test func emptyStatementsAndLateOptionsExitThree() throws {
        let (workspace, dump) = try migratedWorkspace()
        try workspace.write("migrations/0007_empty.sql", ";;;;\n")
        try expectRefusedEverywhere(workspace, dump: dump, ["0007_empty.sql:1", "empty statements"])
        try workspace.write("migrations/0007_empty.sql", "CREATE TABLE late (id INTEGER);\n-- lifeboat:no-transaction\n")
        try expectRefusedEverywhere(workspace, dump: dump, ["0007_empty.sql:2", "after the first statement"])
    }

    @Test func symlinkToAFileOutsideTheFolderIsNotEchoed() throws {
        let (workspace, dump) = try migratedWorkspace()
        let secret = "root-secret-" + String(repeating: "s", count: 120)
        try workspace.write("outside/credentials.txt", secret + "\n")
        try FileManager.default.createSymbolicLink(atPath: workspace.path("migrations/0007_link.sql"),
                                                   withDestinationPath: workspace.path("outside/credentials.txt"))
        let result = try runBounded(workspace, ["migrate"])
        #expect(result.exitCode == 1, "\(result.stderr)")
        #expect(!result.stderr.contains(String(repeating: "s", count: 61)), "\(result.stderr)")
        #expect(!result.stdout.contains(String(repeating: "s", count: 61)), "\(result.stdout)")
        #expect(try Shell.run("sqlite3", [workspace.path("app.sqlite"), ".dump"]) == dump)
    }

    // MARK: - Item 6: an up section of only comments

    @Test func commentOnlyUpSectionIsAppliedAsANoOp() throws {
        let (workspace, dump) = try migratedWorkspace()
        try workspace.write("migrations/0007_nothing.sql", """
            -- Integer size in SQLite is already i64, nothing to do
            -- lifeboat:down
            -- nothing to undo either
            """)
        let result = try workspace.run("migrate", "--format", "json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let database = workspace.path("app.sqlite")
        #expect(try Shell.run("sqlite3", [database, "SELECT version, status, length(checksum) FROM lifeboat_history WHERE version = '0007'"]) == "0007|applied|64\n")
        let after = try Shell.run("sqlite3", [database, ".dump"])
        func withoutHistory(_ dump: String) -> String {
            dump.split(separator: "\n").filter { !$0.contains("lifeboat_history") }.joined(separator: "\n")
        }
        #expect(withoutHistory(after) == withoutHistory(dump))
        let verify = try workspace.run("verify")
        #expect(verify.exitCode == 0, "\(verify.stderr)")
        let rolledBack = try workspace.run("rollback", "--yes")
        #expect(rolledBack.exitCode == 0, "\(rolledBack.stderr)")
        #expect(try Shell.run("sqlite3", [database, "SELECT count(*) FROM lifeboat_history WHERE version = '0007'"]) == "0\n")
    }
}
