import Foundation
import LifeboatKit
import Testing

/// `plan`, `verify`, `rollback`, `baseline`, `repair` and `schema` on every engine.
extension ConformanceSuite {
    /// A failing pending migration fails the rehearsal with file and line; the target is
    /// unchanged and no snapshot exists.
    public func planReportsRehearsalFailureAndChangesNothing() throws {
        try withDatabase { database in
            var files = Self.goodMigrations
            files["0004_broken.sql"] = "-- lifeboat:up\nCREATE TABLE toys (id INTEGER PRIMARY KEY);\n\nINSERT INTO missing_table VALUES (1);\n"
            let folder = try MigrationFolder(files)
            let lifeboat = try lifeboat(database, folder)
            _ = try lifeboat.migrate(MigrateOptions(target: MigrationVersion("1"), noSnapshot: true))
            let before = try database.fingerprint()
            let error = try #require(throws: RunError.self) { try lifeboat.plan() }
            guard case .rehearsalFailed(let report) = error else { Issue.record("\(error)"); return }
            #expect(error.category == .migrationFailed)
            #expect(report.failure?.version == "0004")
            #expect(report.failure?.line == 4)
            #expect(report.failure?.file == folder.path("0004_broken.sql"))
            #expect(report.migrations.map(\.status) == [.rehearsed, .rehearsed, .failed])
            #expect(try database.fingerprint() == before)
            #expect(try lifeboat.snapshots(all: true).isEmpty)
            #expect(!FileManager.default.fileExists(atPath: folder.backups.path), "plan never snapshots")
        }
    }

    /// Good pending migrations rehearse with times, and leave nothing behind: `migrate` then
    /// applies them all, with the same results as without a rehearsal.
    public func planRehearsesAndLeavesNothingBehind() throws {
        try withDatabase { database in
            var files = Self.goodMigrations
            files["0004_counter.sql"] = """
                CREATE TABLE counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
                INSERT INTO counters (name, n) VALUES ('a', 1);
                """
            let folder = try MigrationFolder(files)
            let lifeboat = try lifeboat(database, folder)
            _ = try lifeboat.migrate(MigrateOptions(target: MigrationVersion("1"), noSnapshot: true))
            let before = try database.fingerprint()
            let plan = try lifeboat.plan()
            #expect(plan.rehearsed)
            #expect(plan.migrations.map(\.version) == ["0002", "0003", "0004"])
            #expect(plan.migrations.allSatisfy { $0.rehearsalMs != nil && $0.status == .rehearsed })
            #expect(plan.migrations[0].statements == ["ALTER TABLE", "UPDATE"])
            #expect(try database.fingerprint() == before)
            #expect(try database.query("SELECT COUNT(*) FROM lifeboat_history") == [["1"]])
            let applied = try lifeboat.migrate(MigrateOptions(noSnapshot: true))
            #expect(applied.migrations.count == 3)
            #expect(try database.query("SELECT n FROM counters") == [["1"]])
        }
    }

    /// Lint findings stop `plan` (exit 6) unless the migration or the flag allows them.
    public func planFailsOnDestructiveChangesUnlessAllowed() throws {
        try withDatabase { database in
            let folder = try MigrationFolder(Self.goodMigrations)
            let lifeboat = try lifeboat(database, folder)
            _ = try lifeboat.migrate(MigrateOptions(noSnapshot: true))
            try folder.write("0004_drop_pets.sql", "DROP TABLE pets;\n-- lifeboat:down\nCREATE TABLE pets (id INTEGER);\n")
            let error = try #require(throws: RunError.self) { try lifeboat.plan() }
            #expect(error.category == .lint)
            guard case .lintFailed(let report) = error else { Issue.record("\(error)"); return }
            #expect(report.lint.map(\.rule) == ["drop-table"])
            #expect(report.lint.first?.line == 1)
            #expect(try lifeboat.plan(PlanOptions(allowDestructive: true)).lint.count == 1)
            try folder.write("0004_drop_pets.sql", "-- lifeboat:allow-destructive\nDROP TABLE pets;\n")
            #expect(try lifeboat.plan().lint.first?.allowed == true)
        }
    }

    /// SPEC v2: a destructive finding and a failing rehearsal are reported together; the failure
    /// decides (exit 1), lint alone exit 6. Migrations after the failed one are `not_reached`,
    /// distinct from `not_rehearsed` (a no-transaction migration PostgreSQL cannot rehearse).
    public func planReportsLintAndRehearsalFailureTogether() throws {
        try withDatabase { database in
            var files = Self.goodMigrations
            files["0004_drop_pets.sql"] = "DROP TABLE pets;\n"
            files["0005_no_transaction.sql"] = "-- lifeboat:no-transaction\nCREATE TABLE before_failure (id INTEGER);\n"
            files["0006_broken.sql"] = "INSERT INTO missing_table VALUES (1);\n"
            files["0007_later.sql"] = "CREATE TABLE later (id INTEGER);\n"
            files["0008_later_no_transaction.sql"] = "-- lifeboat:no-transaction\nCREATE TABLE later_too (id INTEGER);\n"
            let folder = try MigrationFolder(files)
            let lifeboat = try lifeboat(database, folder)
            _ = try lifeboat.migrate(MigrateOptions(target: MigrationVersion("3"), noSnapshot: true))
            let before = try database.fingerprint()

            let error = try #require(throws: RunError.self) { try lifeboat.plan() }
            #expect(error.category == .migrationFailed, "a failed rehearsal decides the exit code (1)")
            guard case .rehearsalFailed(let report) = error else { Issue.record("\(error)"); return }
            #expect(report.failure?.version == "0006")
            #expect(report.lint.map(\.rule) == ["drop-table"])
            let noTransaction: MigrationStatus = engine.name == "postgres" ? .notRehearsed : .rehearsed
            #expect(report.migrations.map(\.status) == [.rehearsed, noTransaction, .failed, .notReached, .notReached])
            #expect(report.migrations.suffix(2).allSatisfy { $0.rehearsalMs == nil })
            #expect(error.description.contains("rehearsal of migration 0006 failed"))
            #expect(error.description.contains("lint also found 1 destructive statement(s) that are not allowed"), "\(error.description)")
            #expect(error.description.contains("drop-table"))
            #expect(try database.fingerprint() == before)

            // --allow-destructive: the failure alone, no lint complaint.
            let allowed = try #require(throws: RunError.self) { try lifeboat.plan(PlanOptions(allowDestructive: true)) }
            #expect(allowed.category == .migrationFailed)
            #expect(!allowed.description.contains("lint also found"))

            // Without the failure, lint decides: exit 6.
            try FileManager.default.removeItem(atPath: folder.path("0006_broken.sql"))
            let lint = try #require(throws: RunError.self) { try lifeboat.plan() }
            #expect(lint.category == .lint)
            #expect(try database.fingerprint() == before)
        }
    }

    /// `verify --schema` passes after `migrate --dump-schema` and fails (exit 3) after a change
    /// by hand; a verify section that no longer holds fails (exit 1).
    public func verifyChecksSchemaAndVerifySections() throws {
        try withDatabase { database in
            let folder = try MigrationFolder(Self.goodMigrations)
            let lifeboat = try lifeboat(database, folder)
            let schemaFile = folder.root.appendingPathComponent("schema.sql").path
            _ = try lifeboat.migrate(MigrateOptions(dumpSchema: schemaFile))
            let report = try lifeboat.verify(schemaFile: schemaFile)
            #expect(report.schemaMatches == true)
            #expect(report.verified == ["0002"])
            #expect(try lifeboat.schema() == String(contentsOfFile: schemaFile, encoding: .utf8), "stable")

            try database.execute("CREATE TABLE by_hand (id INTEGER)")
            let drift = try #require(throws: RunError.self) { try lifeboat.verify(schemaFile: schemaFile) }
            #expect(drift.category == .validation)
            #expect(drift.description.contains("by_hand"))
            try database.execute("DROP TABLE by_hand")
            #expect(try lifeboat.verify(schemaFile: schemaFile).schemaMatches == true)

            let before = try database.fingerprint()
            try database.execute("UPDATE people SET email = NULL WHERE id = 1")
            let assertion = try #require(throws: RunError.self) { try lifeboat.verify() }
            #expect(assertion.category == .migrationFailed)
            #expect(assertion.description.contains("0002_add_email.sql"))
            try database.execute("UPDATE people SET email = 'ada@example.com' WHERE id = 1")
            #expect(try database.fingerprint() == before, "verify is read-only")
        }
    }

    /// `rollback --steps 2` then `migrate` returns to the same fingerprint; a rollback over a
    /// migration without a down section changes nothing and exits 3.
    public func rollbackThenMigrateReturnsToTheSameState() throws {
        try withDatabase { database in
            var files = Self.goodMigrations
            files["0004_no_down.sql"] = "CREATE TABLE notes (id INTEGER PRIMARY KEY);\n"
            let folder = try MigrationFolder(files)
            let lifeboat = try lifeboat(database, folder)
            _ = try lifeboat.migrate(MigrateOptions(target: MigrationVersion("3")))
            let migrated = try database.fingerprint()
            let report = try lifeboat.rollback(.steps(2))
            #expect(report.migrations.map(\.version) == ["0003", "0002"])
            #expect(report.migrations.allSatisfy { $0.status == .rolledBack })
            #expect(report.snapshot?.reason == .rollback)
            #expect(report.currentVersion == "0001")
            #expect(try database.query("SELECT version FROM lifeboat_history") == [["0001"]])
            _ = try lifeboat.migrate(MigrateOptions(target: MigrationVersion("3")))
            #expect(try withoutHistoryTimes(database.fingerprint()) == withoutHistoryTimes(migrated))

            _ = try lifeboat.migrate()
            let before = try database.fingerprint()
            let snapshots = try lifeboat.snapshots(all: true).count
            let refused = try #require(throws: RollbackError.self) { try lifeboat.rollback(.to(MigrationVersion("2")!)) }
            #expect(refused.category == .validation)
            #expect(refused.description.contains("0004_no_down.sql"))
            #expect(refused.description.contains("restore"))
            #expect(try database.fingerprint() == before)
            #expect(try lifeboat.snapshots(all: true).count == snapshots, "refused before the snapshot")
        }
    }

    /// `baseline` adopts a database built by hand: `migrate` then applies only newer migrations;
    /// `repair` re-records an edited checksum and removes a failed row.
    public func baselineAndRepair() throws {
        try withDatabase { database in
            let folder = try MigrationFolder(Self.goodMigrations)
            let lifeboat = try lifeboat(database, folder)
            try database.execute("""
                CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
                ALTER TABLE people ADD COLUMN email TEXT;
                """)
            let baseline = try lifeboat.baseline(MigrationVersion("2")!)
            #expect(baseline.changes.count == 2)
            #expect(try database.query("SELECT version, status FROM lifeboat_history ORDER BY version") == [["0001", "baseline"], ["0002", "baseline"]])
            let report = try lifeboat.migrate()
            #expect(report.migrations.map(\.version) == ["0003"])

            let edited = Self.goodMigrations["0001_create_people.sql"]!.replacingOccurrences(of: "'Grace'", with: "'Hopper'")
            try folder.write("0001_create_people.sql", edited)
            #expect(try lifeboat.status().driftCount == 1)
            try database.execute("INSERT INTO lifeboat_history VALUES ('0009', 'x', 'abc', 'failed', '2026-01-01T00:00:00.000Z', 1, 'me@here', NULL)")
            let repair = try lifeboat.repair()
            #expect(repair.changes.count == 2, "\(repair.changes)")
            #expect(repair.changes.contains { $0.contains("checksum of 0001") })
            #expect(repair.changes.contains { $0.contains("failed row of 0009") })
            let status = try lifeboat.status()
            #expect(status.driftCount == 0 && status.failedCount == 0)
        }
    }
}

/// A fingerprint with the history table's times blanked, for comparing runs made at different moments.
func withoutHistoryTimes(_ fingerprint: String) -> String {
    fingerprint.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"#, with: "T", options: .regularExpression)
        .replacingOccurrences(of: #"\d{8}T\d{9}Z-[0-9a-z]+"#, with: "S", options: .regularExpression)
        .replacingOccurrences(of: #"'T',\d+,"#, with: "'T',N,", options: .regularExpression)
        .replacingOccurrences(of: #"T\t\d+\t"#, with: "T\tN\t", options: .regularExpression)
}
