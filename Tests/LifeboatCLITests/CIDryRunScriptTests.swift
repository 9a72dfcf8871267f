import Foundation
import Testing

/// `scripts/ci-dry-run.sh` end to end, on a git repository made here: `main` holds the example
/// migrations 0001–0004, the checked-out branch adds more. SQLite and PostgreSQL.
@Suite struct CIDryRunScriptTests {
    static let header = ["version", "description", "rehearsal ms", "apply ms", "lint findings"]

    /// Arguments that put the throwaway database on `engine`: nothing for SQLite (a temporary
    /// file), the test server for PostgreSQL (the script creates and drops its own database).
    func databaseArguments(_ engine: ScriptEngine) throws -> [String] {
        engine == .sqlite ? [] : ["--database-url", try PostgresServer.requireURL()]
    }

    @Test(arguments: ScriptEngine.all)
    func passingBranchRunsEveryStageAndPrintsOneRowPerNewMigration(engine: ScriptEngine) throws {
        let repository = try ScratchRepository(migrations: ["0001", "0002", "0003", "0004"])
        try repository.makeGitHistory(newVersions: ["0005", "0006"])
        let summaryFile = repository.root.appendingPathComponent("step-summary.md")
        try Data("earlier steps\n".utf8).write(to: summaryFile)

        let result = try repository.runScript("ci-dry-run.sh", databaseArguments(engine),
                                              environment: ["GITHUB_STEP_SUMMARY": summaryFile.path])
        #expect(result.exitCode == 0, "\(result.output)")
        #expect(result.stdout.contains("## Lifeboat dry run: passed"))
        for stage in ["base", "lint", "plan", "migrate", "verify", "rollback", "migrate again"] {
            #expect(result.stdout.contains("\(stage): passed"), "stage \(stage) in:\n\(result.stdout)")
        }
        #expect(result.stdout.contains("at version 0004"))
        #expect(result.stderr.contains("lifeboat rollback --to 0004"))
        #expect(result.stdout.contains("After the rollback the schema equals the base commit's schema."))

        let table = try SummaryTable(markdown: result.stdout)
        #expect(table.header == Self.header)
        #expect(table.separator.range(of: #"^\|(\s*:?-{3,}:?\s*\|){5}$"#, options: .regularExpression) != nil,
                "separator row: \(table.separator)")
        #expect(table.rows.count == 2)
        #expect(table.rows.map { $0.count } == [5, 5])
        #expect(table.rows.map { $0[0] } == ["0005", "0006"])
        #expect(table.rows.map { $0[1] } == ["add_task_priority", "inbox_projects"])
        for row in table.rows {
            #expect(Int(row[2]) != nil, "rehearsal ms is a number: \(row)")
            #expect(Int(row[3]) != nil, "apply ms is a number: \(row)")
            #expect(row[4] == "none")
        }

        // Appended to the step summary, after what was there.
        let summary = try String(contentsOf: summaryFile, encoding: .utf8)
        #expect(summary == "earlier steps\n" + result.stdout)

        // PostgreSQL: the rehearsal's lock-impact verdict of each new migration, in words.
        if engine == .postgres {
            #expect(result.stdout.contains("Lock impact in the rehearsal:\n\n- **0005** add_task_priority: holds ACCESS EXCLUSIVE on tasks ("),
                    "\(result.stdout)")
            #expect(result.stdout.contains("- **0006** inbox_projects: "), "\(result.stdout)")
        } else {
            #expect(!result.stdout.contains("Lock impact"), "SQLite measures no locks")
        }

        if engine == .postgres {
            let name = try #require(result.stderr.range(of: #"lifeboat_ci_[0-9_]+"#, options: .regularExpression)
                .map { String(result.stderr[$0]) })
            #expect(try !PostgresServer.databaseExists(name), "the temporary database \(name) is dropped")
            #expect(!result.output.contains(try #require(PostgresServer.password(of: PostgresServer.requireURL()))),
                    "the password never appears")
        }
        // The caller's checkout is untouched: same branch, clean tree.
        #expect(try repository.git("rev-parse", "--abbrev-ref", "HEAD") == "feature\n")
        #expect(try repository.git("status", "--porcelain") == "")
    }

    /// A new migration that fails: non-zero exit, the stage named, the throwaway database still
    /// at the base version, and (PostgreSQL) the temporary database dropped.
    @Test(arguments: ScriptEngine.all)
    func failingNewMigrationStopsAtPlanAndLeavesTheBaseDatabase(engine: ScriptEngine) throws {
        let repository = try ScratchRepository(migrations: ["0001", "0002", "0003", "0004"])
        try repository.makeGitHistory(newVersions: ["0005"], extra: [
            "migrations/0007_broken.sql": """
            -- lifeboat:up
            CREATE TABLE labels (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
            INSERT INTO no_such_table VALUES (1);

            -- lifeboat:down
            DROP TABLE labels;
            """,
        ])

        let result = try repository.runScript("ci-dry-run.sh", databaseArguments(engine) + ["--keep"])
        defer { cleanUpKept(result, engine: engine) }
        #expect(result.exitCode == 1, "\(result.output)")
        #expect(result.stderr.contains("stage 'plan' failed"))
        #expect(result.stdout.contains("## Lifeboat dry run: stage 'plan' failed"))
        #expect(result.stdout.contains("no_such_table"))
        #expect(result.stdout.contains("migrate: not run"))
        let table = try SummaryTable(markdown: result.stdout)
        #expect(table.header == Self.header)
        #expect(table.rows.map { $0[0] } == ["0005", "0007"])
        #expect(table.rows.last?[2].hasPrefix("failed") == true, "\(table.rows)")

        // The kept throwaway database is exactly where the base left it.
        let url = try keptDatabaseURL(result, engine: engine)
        let status = try LifeboatBinary.run(["status", "--format", "json"], in: repository.root, environment: [
            "DATABASE_URL": url, "LIFEBOAT_MIGRATIONS": repository.path("migrations"),
            "LIFEBOAT_PG_BIN": PostgresServer.binDirectory ?? "",
        ]).json()
        #expect(status["current_version"] as? String == "0004")
        #expect(status["pending_count"] as? Int == 2)
    }

    /// Without --keep a failure still cleans up: the temporary PostgreSQL database is dropped.
    @Test(.enabled(if: ScriptEngine.all.contains(.postgres)))
    func failureDropsTheTemporaryPostgresDatabase() throws {
        let repository = try ScratchRepository(migrations: ["0001"])
        try repository.makeGitHistory(newVersions: [], extra: [
            "migrations/0002_broken.sql": "-- lifeboat:up\nSELECT * FROM no_such_table;\n-- lifeboat:down\n",
        ])
        let result = try repository.runScript("ci-dry-run.sh", ["--database-url", try PostgresServer.requireURL()])
        #expect(result.exitCode == 1, "\(result.output)")
        #expect(result.stderr.contains("stage 'plan' failed"))
        let name = try #require(result.stderr.range(of: #"lifeboat_ci_[0-9_]+"#, options: .regularExpression)
            .map { String(result.stderr[$0]) })
        #expect(try !PostgresServer.databaseExists(name))
    }

    /// A destructive new migration fails the lint stage (exit 6) and shows up in the table.
    @Test(arguments: ScriptEngine.all)
    func destructiveMigrationFailsTheLintStage(engine: ScriptEngine) throws {
        let repository = try ScratchRepository(migrations: ["0001", "0002", "0003", "0004"])
        try repository.makeGitHistory(newVersions: ["0005"], extra: [
            "migrations/0006_drop_comments.sql": """
            -- lifeboat:up
            DROP TABLE comments;

            -- lifeboat:down
            CREATE TABLE comments (id INTEGER PRIMARY KEY);
            """,
        ])
        let result = try repository.runScript("ci-dry-run.sh", databaseArguments(engine))
        #expect(result.exitCode == 6, "\(result.output)")
        #expect(result.stderr.contains("stage 'lint' failed"))
        #expect(result.stdout.contains("lint: failed"))
        #expect(result.stdout.contains("plan: not run"))
        let table = try SummaryTable(markdown: result.stdout)
        #expect(table.header == Self.header)
        #expect(table.rows.count == 2)
        #expect(table.rows.first?[4] == "none")
        #expect(table.rows.last?[0] == "0006")
        #expect(table.rows.last?[4] == "drop-table (line 2)", "\(table.rows)")

        // Intended: --allow-destructive lets it through (the rollback then proves its down section).
        let allowed = try repository.runScript("ci-dry-run.sh", databaseArguments(engine) + ["--allow-destructive"])
        #expect(allowed.stdout.contains("lint: passed"), "\(allowed.output)")
        #expect(allowed.stdout.contains("plan: passed"), "\(allowed.output)")
    }

    /// A base without migrations: everything is new, and the rollback goes back --steps N.
    @Test func emptyBaseRollsBackByStepsAndHonoursBaseFlag() throws {
        let repository = try ScratchRepository(migrations: [])
        try repository.write("migrations/README.md", "none yet\n")
        try repository.makeGitHistory(newVersions: ["0001", "0002"])
        let result = try repository.runScript("ci-dry-run.sh", ["--base", "main"])
        #expect(result.exitCode == 0, "\(result.output)")
        #expect(result.stdout.contains("base: no migrations"))
        #expect(result.stderr.contains("lifeboat rollback --steps 2"))
        #expect(try SummaryTable(markdown: result.stdout).rows.count == 2)

        let unknown = try repository.runScript("ci-dry-run.sh", ["--base", "no-such-branch"])
        #expect(unknown.exitCode == 2)
        #expect(unknown.stderr.contains("no-such-branch"))
    }

    /// SPEC v2: `--no-rollback` skips the rollback stages of a forward-only project and says so in
    /// the summary; without it, a new migration with no down section fails at the rollback stage.
    @Test(arguments: ScriptEngine.all)
    func noRollbackSkipsTheRollbackStagesAndSaysSo(engine: ScriptEngine) throws {
        let repository = try ScratchRepository(migrations: ["0001", "0002", "0003", "0004"])
        try repository.makeGitHistory(newVersions: ["0005"])
        try repository.write("migrations/0007_forward_only.sql", "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, note TEXT);\n")

        let skipped = try repository.runScript("ci-dry-run.sh", databaseArguments(engine) + ["--no-rollback"])
        #expect(skipped.exitCode == 0, "\(skipped.output)")
        #expect(skipped.stdout.contains("## Lifeboat dry run: passed"))
        #expect(skipped.stdout.contains("rollback: skipped (--no-rollback) · migrate again: skipped (--no-rollback)"), "\(skipped.stdout)")
        #expect(skipped.stdout.contains("- Rollback not tested: --no-rollback"))
        #expect(!skipped.stderr.contains("lifeboat rollback"))
        #expect(try SummaryTable(markdown: skipped.stdout).rows.map { $0[0] } == ["0005", "0007"])

        let refused = try repository.runScript("ci-dry-run.sh", databaseArguments(engine))
        #expect(refused.exitCode == 3, "\(refused.output)")
        #expect(refused.stdout.contains("stage 'rollback' failed"))
    }

    @Test func helpPrintsUsage() throws {
        let repository = try ScratchRepository(migrations: [])
        let result = try repository.runScript("ci-dry-run.sh", ["-h"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.hasPrefix("Usage: scripts/ci-dry-run.sh"))
    }

    // MARK: - Helpers

    /// The kept throwaway database's URL, with the password, from the script's messages.
    func keptDatabaseURL(_ result: ScriptResult, engine: ScriptEngine) throws -> String {
        switch engine {
        case .sqlite:
            let folder = try #require(result.stderrValue(after: "ci-dry-run.sh: kept the work folder "))
            return "sqlite:" + folder + "/ci-dry-run.sqlite"
        case .postgres:
            let name = try #require(result.stderr.range(of: #"lifeboat_ci_[0-9_]+"#, options: .regularExpression)
                .map { String(result.stderr[$0]) })
            return try PostgresServer.url(PostgresServer.requireURL(), database: name)
        }
    }

    func cleanUpKept(_ result: ScriptResult, engine: ScriptEngine) {
        if let folder = result.stderrValue(after: "ci-dry-run.sh: kept the work folder ") {
            try? FileManager.default.removeItem(atPath: folder)
        }
        if engine == .postgres, let server = PostgresServer.url,
           let range = result.stderr.range(of: #"lifeboat_ci_[0-9_]+"#, options: .regularExpression) {
            _ = try? PostgresServer.psql(server, "DROP DATABASE IF EXISTS \(result.stderr[range]) WITH (FORCE)")
        }
    }
}
