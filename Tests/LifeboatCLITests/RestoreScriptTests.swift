import Foundation
import Testing

/// `scripts/restore.sh` end to end: the list, `--yes latest`, a chosen id, and the refusal
/// without a terminal or --yes.
@Suite struct RestoreScriptTests {
    @Test(arguments: ScriptEngine.all)
    func restoresLatestAndPrintsVersionAndSafetySnapshot(engine: ScriptEngine) throws {
        let repository = try ScratchRepository()
        let database = try ScriptDatabase(engine, in: repository)
        let env = ["DATABASE_URL": database.url]
        #expect(try repository.runScript("deploy.sh", ["--", "--target", "0004"], environment: env).exitCode == 0)
        #expect(try repository.runScript("deploy.sh", [], environment: env).exitCode == 0)
        let migrations = repository.path("migrations"), backups = repository.path("backups")
        #expect(try database.currentVersion(migrations: migrations, backups: backups) == "0006")

        // Without a terminal and without --yes: refused, nothing changed.
        let refused = try repository.runScript("restore.sh", ["latest"], environment: env)
        #expect(refused.exitCode == 2, "\(refused.output)")
        #expect(refused.stderr.contains("--yes"))
        #expect(try database.currentVersion(migrations: migrations, backups: backups) == "0006")

        // The newest snapshot is the one the second deploy took before it ran (version 0004).
        let result = try repository.runScript("restore.sh", ["--yes", "latest"], environment: env)
        #expect(result.exitCode == 0, "\(result.output)")
        #expect(result.stdout.contains("ID"), "the list's header")
        #expect(result.stdout.range(of: #"\d{8}T\d{9}Z-0004 +\d+ s +0004 +\d"#, options: .regularExpression) != nil,
                "the list shows id, age, version and size:\n\(result.stdout)")
        #expect(result.stdout.range(of: #"restored snapshot \d{8}T\d{9}Z-0004: .* is at version 0004"#,
                                    options: .regularExpression) != nil, "\(result.stdout)")
        let safetyLine = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("safety snapshot: ") })
        let safetyID = String(safetyLine.dropFirst("safety snapshot: ".count).prefix { $0 != " " })
        #expect(safetyID.hasSuffix("-0006"))
        #expect(try database.currentVersion(migrations: migrations, backups: backups) == "0004")

        // The safety snapshot undoes it, by id.
        let undo = try repository.runScript("restore.sh", ["--yes", safetyID], environment: env)
        #expect(undo.exitCode == 0, "\(undo.output)")
        #expect(undo.stdout.contains("is at version 0006"))
        #expect(try database.currentVersion(migrations: migrations, backups: backups) == "0006")

        if engine == .postgres {
            let password = try #require(PostgresServer.password(of: database.url))
            #expect(!(result.output + undo.output + refused.output).contains(password))
        }
    }

    @Test func listOnlyAndUnknownSnapshot() throws {
        let repository = try ScratchRepository()
        let database = try ScriptDatabase(.sqlite, in: repository)
        let env = ["DATABASE_URL": database.url]
        // SPEC v2: `snapshots` refuses a SQLite file that does not exist; an empty one has no snapshots.
        #expect(FileManager.default.createFile(atPath: String(database.url.dropFirst("sqlite:".count)), contents: nil))
        let empty = try repository.runScript("restore.sh", ["--list"], environment: env)
        #expect(empty.exitCode == 0)
        #expect(empty.stdout.contains("no snapshots"))
        #expect(try repository.runScript("deploy.sh", [], environment: env).exitCode == 0)
        let listed = try repository.runScript("restore.sh", ["--list"], environment: env)
        #expect(listed.exitCode == 0)
        #expect(listed.stdout.split(separator: "\n").count == 3, "title, header, one snapshot:\n\(listed.stdout)")
        let unknown = try repository.runScript("restore.sh", ["--yes", "20990101T000000000Z-0001"], environment: env)
        #expect(unknown.exitCode == 2)
        #expect(unknown.stderr.contains("no snapshot '20990101T000000000Z-0001'"))
    }

    /// `lifeboat restore` may recreate a deleted SQLite file from its snapshot (SPEC), and so may the
    /// script, although `snapshots` refuses to list a file that does not exist.
    @Test func recreatesADeletedSQLiteFile() throws {
        let repository = try ScratchRepository()
        let database = try ScriptDatabase(.sqlite, in: repository)
        let env = ["DATABASE_URL": database.url]
        #expect(try repository.runScript("deploy.sh", ["--", "--target", "0004"], environment: env).exitCode == 0)
        #expect(try repository.runScript("deploy.sh", [], environment: env).exitCode == 0)
        let path = String(database.url.dropFirst("sqlite:".count))
        try FileManager.default.removeItem(atPath: path)

        let result = try repository.runScript("restore.sh", ["--yes", "latest"], environment: env)
        #expect(result.exitCode == 0, "\(result.output)")
        #expect(result.stdout.contains("cannot list the snapshots"), "\(result.stdout)")
        #expect(FileManager.default.fileExists(atPath: path))
        let migrations = repository.path("migrations"), backups = repository.path("backups")
        #expect(try database.currentVersion(migrations: migrations, backups: backups) == "0004")
    }

    @Test func helpPrintsUsage() throws {
        let repository = try ScratchRepository(migrations: [])
        let result = try repository.runScript("restore.sh", ["-h"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.hasPrefix("Usage: scripts/restore.sh"))
    }
}
