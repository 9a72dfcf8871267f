import Foundation
import LifeboatEngines
import LifeboatKit
import Testing

/// The behaviour every engine must show, written once against the orchestrator and run by each
/// engine's test target (the golang-migrate way: dumb drivers, one shared suite).
public struct ConformanceSuite: Sendable {
    public let engine: ConformanceEngine
    /// The snapshot store's location when it is not the migration folder's `backups` folder
    /// (an `s3://` store, see `ConformanceS3`).
    public let backups: String?

    public init(_ engine: ConformanceEngine, backups: String? = nil) {
        self.engine = engine
        self.backups = backups
    }

    /// Three good migrations, the second with a verify section.
    public static let goodMigrations: [String: String] = [
        "0001_create_people.sql": """
            -- lifeboat:up
            CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
            INSERT INTO people (id, name) VALUES (1, 'Ada'), (2, 'Grace');
            -- lifeboat:down
            DROP TABLE people;
            """,
        "0002_add_email.sql": """
            -- lifeboat:up
            ALTER TABLE people ADD COLUMN email TEXT;
            UPDATE people SET email = lower(name) || '@example.com' WHERE email IS NULL;
            -- lifeboat:verify
            SELECT COUNT(*) = 0 FROM people WHERE email IS NULL;
            -- lifeboat:down
            ALTER TABLE people DROP COLUMN email;
            """,
        "0003_create_pets.sql": """
            -- lifeboat:up
            CREATE TABLE pets (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL REFERENCES people (id), name TEXT NOT NULL);
            -- lifeboat:down
            DROP TABLE pets;
            """,
    ]

    /// A Lifeboat over `database` and `folder`.
    public func lifeboat(_ database: ConformanceDatabase, _ folder: MigrationFolder, lockTimeout: Double = 5) throws -> Lifeboat {
        let configuration = try Configuration(databaseURL: database.url, migrationsDirectory: folder.migrations.path,
                                              backupsDirectory: backups ?? folder.backups.path, lockTimeout: lockTimeout)
        return Lifeboat(configuration: configuration, engines: StandardEngines())
    }

    /// Runs `body` with a fresh database, dropped afterwards.
    public func withDatabase(_ body: (ConformanceDatabase) throws -> Void) throws {
        let database = try engine.makeDatabase()
        defer { database.drop() }
        try body(database)
    }

    // MARK: - migrate

    /// Every pending migration is applied once, with a history row carrying every SPEC column;
    /// a second run has nothing to do.
    public func migrateAppliesAllAndRecordsHistory() throws {
        try withDatabase { database in
            let folder = try MigrationFolder(Self.goodMigrations)
            let lifeboat = try lifeboat(database, folder)
            let report = try lifeboat.migrate()
            #expect(report.migrations.map(\.version) == ["0001", "0002", "0003"])
            #expect(report.migrations.allSatisfy { $0.status == .applied })
            #expect(report.currentVersion == "0003")
            #expect(try database.query("SELECT email FROM people ORDER BY id") == [["ada@example.com"], ["grace@example.com"]])

            let rows = try database.query("""
                SELECT version, description, checksum, status, applied_at, execution_ms, applied_by
                FROM lifeboat_history ORDER BY version
                """)
            #expect(rows.count == 3)
            let catalog = try MigrationCatalog.load(from: folder.migrations.path)
            for (row, migration) in zip(rows, catalog.migrations) {
                #expect(row[0] == migration.version.text)
                #expect(row[1] == migration.description)
                #expect(row[2] == migration.checksum)
                #expect(row[3] == "applied")
                let appliedAt = row[4] ?? ""
                #expect(appliedAt.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil, "applied_at \(appliedAt)")
                #expect(Int(row[5] ?? "") != nil)
                #expect((row[6] ?? "").contains("@"))
            }

            let again = try lifeboat.migrate()
            #expect(again.upToDate)
            #expect(again.migrations.isEmpty)
            #expect(try database.query("SELECT COUNT(*) FROM lifeboat_history") == [["3"]])
        }
    }

    /// `status` lists applied and pending migrations with checksums; the current version moves.
    public func statusListsAppliedAndPending() throws {
        try withDatabase { database in
            let folder = try MigrationFolder(Self.goodMigrations)
            let lifeboat = try lifeboat(database, folder)
            var status = try lifeboat.status()
            #expect(status.currentVersion == nil)
            #expect(status.pendingCount == 3)
            _ = try lifeboat.migrate(MigrateOptions(target: MigrationVersion("2")))
            status = try lifeboat.status()
            #expect(status.currentVersion == "0002")
            #expect(status.migrations.map(\.status) == [.applied, .applied, .pending])
            #expect(status.migrations.allSatisfy { $0.checksum.count == 64 })
            #expect(status.migrations[0].executionMs != nil && status.migrations[2].executionMs == nil)
        }
    }

    /// A failing statement stops the run: its migration is rolled back with no history row, and
    /// the error names the file and the line of the failing statement.
    public func failingStatementNamesFileAndLine() throws {
        try withDatabase { database in
            var files = Self.goodMigrations
            files["0004_broken.sql"] = """
                -- lifeboat:up
                CREATE TABLE toys (id INTEGER PRIMARY KEY);
                INSERT INTO toys (id) VALUES (1);

                INSERT INTO no_such_table (id) VALUES (1);
                """
            let folder = try MigrationFolder(files)
            let lifeboat = try lifeboat(database, folder)
            _ = try lifeboat.migrate(MigrateOptions(target: MigrationVersion("3")))
            let before = try database.fingerprint()
            let error = try #require(throws: RunError.self) { try lifeboat.migrate() }
            guard case .migrationFailed(let report, let underlying) = error else {
                Issue.record("unexpected \(error)"); return
            }
            #expect(underlying.line == 5)
            #expect(report.failure?.file == folder.path("0004_broken.sql"))
            #expect(report.failure?.line == 5)
            #expect(error.description.contains("0004_broken.sql:5"))
            #expect(error.category == .migrationFailed)
            #expect(try database.fingerprint() == before)
        }
    }

    /// A constraint violation and a failing verify query fail the migration the same way.
    public func constraintViolationAndFailingVerifyRollBack() throws {
        try withDatabase { database in
            let folder = try MigrationFolder(Self.goodMigrations)
            let lifeboat = try lifeboat(database, folder)
            _ = try lifeboat.migrate()
            let before = try database.fingerprint()

            try folder.write("0004_duplicate.sql", """
                INSERT INTO pets (id, owner_id, name) VALUES (1, 1, 'Rex');
                INSERT INTO pets (id, owner_id, name) VALUES (1, 2, 'Tom');
                """)
            let constraint = try #require(throws: RunError.self) { try lifeboat.migrate(MigrateOptions(noSnapshot: true)) }
            #expect(constraint.description.contains("0004_duplicate.sql:2"))
            #expect(try database.fingerprint() == before)
            try folder.remove("0004_duplicate.sql")

            try folder.write("0004_bad_verify.sql", """
                -- lifeboat:up
                INSERT INTO pets (id, owner_id, name) VALUES (1, 1, 'Rex');
                -- lifeboat:verify
                SELECT COUNT(*) = 0 FROM pets;
                """)
            let verify = try #require(throws: RunError.self) { try lifeboat.migrate(MigrateOptions(noSnapshot: true)) }
            #expect(verify.description.contains("0004_bad_verify.sql:4"))
            #expect(verify.description.contains("verify"))
            #expect(try database.fingerprint() == before)
        }
    }

    // MARK: - validation

    /// Each validation problem stops `migrate` with exit 3, a message naming the file, and an
    /// unchanged database.
    public func validationErrorsChangeNothing() throws {
        try withDatabase { database in
            let folder = try MigrationFolder(Self.goodMigrations)
            let lifeboat = try lifeboat(database, folder)
            _ = try lifeboat.migrate(MigrateOptions(target: MigrationVersion("2")))
            let before = try database.fingerprint()

            func expectValidation(_ fileHint: String, _ options: MigrateOptions = MigrateOptions(), sourceLocation: SourceLocation = #_sourceLocation) {
                do {
                    _ = try lifeboat.migrate(options)
                    Issue.record("migrate succeeded; expected a validation error naming \(fileHint)", sourceLocation: sourceLocation)
                } catch let error as LifeboatError {
                    #expect(error.category == .validation, "\(error)", sourceLocation: sourceLocation)
                    #expect(error.description.contains(fileHint), "\(error)", sourceLocation: sourceLocation)
                } catch {
                    Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
                }
                #expect((try? database.fingerprint()) == before, sourceLocation: sourceLocation)
            }

            // Drift: the applied up section was edited.
            let original = Self.goodMigrations["0002_add_email.sql"]!
            try folder.write("0002_add_email.sql", original.replacingOccurrences(of: "lower(name)", with: "upper(name)"))
            expectValidation("0002_add_email.sql")
            // Editing only the down section is not drift.
            try folder.write("0002_add_email.sql", original + "\n-- a note in the down section\n")
            _ = try lifeboat.status()
            try folder.write("0002_add_email.sql", original)

            // An applied migration whose file is gone.
            try folder.remove("0001_create_people.sql")
            expectValidation("0001")
            try folder.write("0001_create_people.sql", Self.goodMigrations["0001_create_people.sql"]!)

            // Duplicate versions 0002 and 2.
            try folder.write("2_again.sql", "SELECT 1;")
            expectValidation("2_again.sql")
            try folder.remove("2_again.sql")

            // A bad file name.
            try folder.write("abc_nope.sql", "SELECT 1;")
            expectValidation("abc_nope.sql")
            try folder.remove("abc_nope.sql")

            // Invalid UTF-8.
            try Data([0x53, 0x45, 0x4c, 0xff, 0x3b]).write(to: folder.migrations.appendingPathComponent("0009_bytes.sql"))
            expectValidation("0009_bytes.sql")
            try folder.remove("0009_bytes.sql")

            // An empty up section.
            try folder.write("0009_empty.sql", "-- lifeboat:up\n\n-- lifeboat:down\nSELECT 1;\n")
            expectValidation("0009_empty.sql")
            try folder.remove("0009_empty.sql")
        }
    }

    /// A pending migration below the newest applied version is refused unless allowed.
    public func outOfOrderNeedsPermission() throws {
        try withDatabase { database in
            var files = Self.goodMigrations
            files["0010_later.sql"] = "CREATE TABLE later (id INTEGER);"
            files.removeValue(forKey: "0003_create_pets.sql")
            let folder = try MigrationFolder(files)
            let lifeboat = try lifeboat(database, folder)
            _ = try lifeboat.migrate()
            let before = try database.fingerprint()
            try folder.write("0003_create_pets.sql", Self.goodMigrations["0003_create_pets.sql"]!)
            let error = try #require(throws: (any Error).self) { try lifeboat.migrate() }
            #expect((error as? LifeboatError)?.category == .validation)
            #expect("\(error)".contains("0003_create_pets.sql"))
            #expect("\(error)".contains("--allow-out-of-order"))
            #expect(try database.fingerprint() == before)
            let report = try lifeboat.migrate(MigrateOptions(allowOutOfOrder: true))
            #expect(report.migrations.map(\.version) == ["0003"])
        }
    }

    // MARK: - locking

    /// While another connection holds the run lock, `--lock-timeout 0` fails at once (exit 4)
    /// and changes nothing.
    public func lockHeldElsewhereFailsFast() throws {
        try withDatabase { database in
            let folder = try MigrationFolder(Self.goodMigrations)
            let holder = try StandardEngines().open(try DatabaseURL(database.url), options: EngineOptions())
            defer { holder.close() }
            #expect(try holder.tryLock(key: HistoryTable.defaultName) == .acquired)
            let before = try database.fingerprint()
            let lifeboat = try lifeboat(database, folder, lockTimeout: 0)
            let error = try #require(throws: RunError.self) { try lifeboat.migrate() }
            #expect(error.category == .lock)
            #expect(try database.fingerprint() == before)
            try holder.unlock()
            #expect(try lifeboat.migrate().migrations.count == 3)
        }
    }
}
