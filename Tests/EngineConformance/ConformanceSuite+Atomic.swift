import Foundation
import LifeboatKit
import Testing

/// `--atomic`, `--no-snapshot` and a failing snapshot, on every engine.
extension ConformanceSuite {
    /// With `--atomic` a failure in the third migration leaves nothing of the run, without a
    /// restore; a pending no-transaction migration makes `--atomic` refuse up front (exit 3).
    public func atomicRunIsAllOrNothing() throws {
        try withDatabase { database in
            var files = Self.goodMigrations
            files["0003_create_pets.sql"] = "CREATE TABLE pets (id INTEGER PRIMARY KEY);\nINSERT INTO nowhere VALUES (1);\n"
            let folder = try MigrationFolder(files)
            let lifeboat = try lifeboat(database, folder)
            try database.execute("CREATE TABLE existing (id INTEGER PRIMARY KEY)")
            let before = try database.fingerprint()
            let error = try #require(throws: RunError.self) { try lifeboat.migrate(MigrateOptions(atomic: true)) }
            guard case .migrationFailed(let report, _) = error else { Issue.record("\(error)"); return }
            #expect(!report.restored, "nothing was committed, so nothing needed restoring")
            #expect(report.committedCount == 0)
            #expect(report.migrations.map(\.status) == [.notCommitted, .notCommitted, .failed])
            #expect(try database.fingerprint() == before)

            try folder.write("0003_create_pets.sql", "-- lifeboat:no-transaction\nCREATE TABLE pets (id INTEGER PRIMARY KEY);\n")
            let refused = try #require(throws: RunError.self) { try lifeboat.migrate(MigrateOptions(atomic: true)) }
            #expect(refused.category == .validation)
            #expect(refused.description.contains("0003_create_pets.sql"))
            #expect(try database.fingerprint() == before)

            try folder.write("0003_create_pets.sql", Self.goodMigrations["0003_create_pets.sql"]!)
            let report2 = try lifeboat.migrate(MigrateOptions(atomic: true))
            #expect(report2.migrations.count == 3)
        }
    }

    /// A snapshot that cannot be written stops the run before any migration (exit 5).
    public func failedSnapshotStopsTheRun() throws {
        try withDatabase { database in
            let folder = try MigrationFolder(Self.goodMigrations)
            try Data("not a folder".utf8).write(to: folder.backups)
            let lifeboat = try lifeboat(database, folder)
            try database.execute("CREATE TABLE existing (id INTEGER PRIMARY KEY)")
            let before = try database.fingerprint()
            do {
                _ = try lifeboat.migrate()
                Issue.record("migrate succeeded without a snapshot")
            } catch let error as LifeboatError {
                #expect(error.category == .snapshot, "\(error)")
            }
            #expect(try database.fingerprint() == before)
            let report = try lifeboat.migrate(MigrateOptions(noSnapshot: true))
            #expect(report.snapshot == nil)
            #expect(report.migrations.count == 3)
        }
    }
}
