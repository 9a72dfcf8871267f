import Foundation
import Testing

/// `scripts/deploy.sh` end to end, started from a folder outside the repository: it uses that
/// repository's migrations/ and backups/, prints a summary from the run report, and stops the
/// deploy (non-zero) when the run failed, with the database restored.
@Suite struct DeployScriptTests {
    @Test(arguments: ScriptEngine.all)
    func happyPathMigratesAndSummarises(engine: ScriptEngine) throws {
        let repository = try ScratchRepository()
        let database = try ScriptDatabase(engine, in: repository)
        let outputs = repository.root.appendingPathComponent("github-output")
        try Data().write(to: outputs)

        let result = try repository.runScript("deploy.sh", [], environment: [
            "DATABASE_URL": database.url, "GITHUB_OUTPUT": outputs.path,
        ])
        #expect(result.exitCode == 0, "\(result.output)")
        #expect(result.stdout.contains("== Deploy summary =="))
        #expect(result.stdout.contains("result:    OK: 6 migration(s) applied"))
        #expect(result.stdout.contains("now at version 0006"))
        for name in ["0001     create_users", "0006     inbox_projects"] {
            #expect(result.stdout.contains(name), "\(name) in:\n\(result.stdout)")
        }
        #expect(result.stdout.range(of: #"0005 +add_task_priority +applied +\d+ ms"#, options: .regularExpression) != nil)

        // The snapshot: id and size in the summary; manifest and report in the repository's backups/.
        let idRange = try #require(result.stdout.range(of: #"snapshot:  \d{8}T\d{9}Z-empty \(.*\d+(\.\d)? [KM]?B compressed"#,
                                                       options: .regularExpression), "\(result.stdout)")
        let id = String(result.stdout[idRange].dropFirst("snapshot:  ".count).prefix { $0 != " " })
        #expect(try repository.files(in: "backups").contains(id + ".json"))
        let reports = try repository.files(in: "backups/reports")
        #expect(reports.count == 1)
        #expect(result.stdout.contains("report:    " + repository.path("backups/reports/" + reports[0])))

        let github = try String(contentsOf: outputs, encoding: .utf8)
        #expect(github.contains("snapshot_id=\(id)\n"))
        #expect(github.contains("manifest=\(repository.path("backups/\(id).json"))\n"))

        #expect(try database.currentVersion(migrations: repository.path("migrations"), backups: repository.path("backups")) == "0006")
        if engine == .postgres {
            let password = try #require(PostgresServer.password(of: database.url))
            #expect(!result.output.contains(password), "the password never appears")
            #expect(!github.contains(password))
        }

        // Again: up to date, no snapshot.
        let again = try repository.runScript("deploy.sh", [], environment: ["DATABASE_URL": database.url])
        #expect(again.exitCode == 0, "\(again.output)")
        #expect(again.stdout.contains("up to date at version 0006"))
    }

    /// A relative --database-url, --migrations and --report are taken from the caller's folder,
    /// and arguments after -- reach `lifeboat migrate`.
    @Test func relativePathsAreTheCallersAndArgumentsPassThrough() throws {
        let repository = try ScratchRepository()
        try FileManager.default.createDirectory(at: repository.caller.appendingPathComponent("data"),
                                                withIntermediateDirectories: true)
        let result = try repository.runScript("deploy.sh", [
            "-d", "sqlite:data/app.sqlite", "--report", "out/report.json", "--", "--target", "0003",
        ])
        #expect(result.exitCode == 0, "\(result.output)")
        #expect(FileManager.default.fileExists(atPath: repository.caller.appendingPathComponent("data/app.sqlite").path))
        #expect(FileManager.default.fileExists(atPath: repository.caller.appendingPathComponent("out/report.json").path))
        #expect(result.stdout.contains("now at version 0003"))
    }

    /// A failing migration: non-zero exit, the summary says the database was restored, how to
    /// look, and the database is at the version it had before the deploy.
    @Test(arguments: ScriptEngine.all)
    func failingRunExitsNonZeroAndSaysTheDatabaseWasRestored(engine: ScriptEngine) throws {
        let repository = try ScratchRepository()
        let database = try ScriptDatabase(engine, in: repository)
        let first = try repository.runScript("deploy.sh", ["--", "--target", "0004"], environment: ["DATABASE_URL": database.url])
        #expect(first.exitCode == 0, "\(first.output)")

        try repository.write("migrations/0007_broken.sql", """
        -- lifeboat:up
        UPDATE tasks SET title = upper(title) WHERE id > 0;
        INSERT INTO no_such_table VALUES (1);

        -- lifeboat:down
        SELECT 1;
        """)
        let result = try repository.runScript("deploy.sh", [], environment: ["DATABASE_URL": database.url])
        #expect(result.exitCode == 1, "\(result.output)")
        #expect(result.stdout.contains("result:    FAILED (exit 1): migration 0007 failed"))
        #expect(result.stdout.contains("at " + repository.path("migrations/0007_broken.sql") + ":3"))
        #expect(result.stdout.contains("restored:  yes: the database was restored from snapshot "))
        #expect(result.stdout.contains("version 0004"))
        #expect(result.stdout.contains("lifeboat snapshots"))
        #expect(result.stdout.contains("lifeboat status"))
        #expect(result.stderr.contains("FAILED (exit 1): the database was restored from snapshot"))
        #expect(try database.currentVersion(migrations: repository.path("migrations"), backups: repository.path("backups")) == "0004")
    }

    /// A no-transaction migration that stops halfway under `--on-failure keep` commits no
    /// migration, yet its first statement stays: the summary says so from the report's
    /// `database_changed`, not "nothing was committed" from the count of applied migrations.
    @Test func partialNoTransactionFailureIsNotCalledUnchanged() throws {
        let repository = try ScratchRepository()
        let database = try ScriptDatabase(.sqlite, in: repository)
        let first = try repository.runScript("deploy.sh", [], environment: ["DATABASE_URL": database.url])
        #expect(first.exitCode == 0, "\(first.output)")
        try repository.write("migrations/0007_half.sql", """
        -- lifeboat:no-transaction
        -- lifeboat:up
        CREATE TABLE half_done (id INTEGER);
        INSERT INTO no_such_table VALUES (1);
        """)
        let result = try repository.runScript("deploy.sh", ["--", "--on-failure", "keep"], environment: ["DATABASE_URL": database.url])
        #expect(result.exitCode == 1, "\(result.output)")
        #expect(result.stdout.contains("restored:  NO: "), "\(result.stdout)")
        #expect(!result.stdout.contains("nothing of this run was committed"), "\(result.stdout)")
    }

    /// An unreachable server: bounded wait, a clear message, exit 2, no password shown.
    @Test func unreachableDatabaseGivesUpAfterTheWait() throws {
        let repository = try ScratchRepository()
        let start = Date()
        let result = try repository.runScript("deploy.sh", ["--wait", "2"], environment: [
            "DATABASE_URL": "postgres://deployer:s3cret-pw@127.0.0.1:1/app",
        ])
        #expect(result.exitCode == 2, "\(result.output)")
        #expect(result.stderr.contains("did not accept connections within 2 s"))
        #expect(!result.output.contains("s3cret-pw"))
        #expect(Date().timeIntervalSince(start) >= 2)
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(try repository.files(in: "backups").isEmpty, "nothing was attempted")
    }

    /// SPEC v2: no DATABASE_URL and no --database-url is a refusal (exit 2), not a migration of
    /// a default app.sqlite; nothing is created in the repository or the caller's folder.
    @Test func noTargetIsRefusedAndNothingIsCreated() throws {
        let repository = try ScratchRepository()
        let before = (try repository.files(in: "."), try FileManager.default.contentsOfDirectory(atPath: repository.caller.path).sorted())
        let result = try repository.runScript("deploy.sh", ["--wait", "0"])
        #expect(result.exitCode == 2, "\(result.output)")
        #expect(result.stderr.contains("no target database: set DATABASE_URL or pass --database-url"), "\(result.stderr)")
        #expect(!result.stdout.contains("Deploy summary"))
        #expect(!FileManager.default.fileExists(atPath: repository.path("app.sqlite")))
        #expect(try repository.files(in: ".") == before.0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: repository.caller.path).sorted() == before.1)
        #expect(try repository.files(in: "backups").filter { $0 != ".gitkeep" }.isEmpty)
    }

    @Test func helpPrintsUsage() throws {
        let repository = try ScratchRepository(migrations: [])
        let result = try repository.runScript("deploy.sh", ["-h"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.hasPrefix("Usage: scripts/deploy.sh"))
    }
}
