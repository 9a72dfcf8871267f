import Foundation
import LifeboatKit
import Testing

extension ConformanceSuite {
    // MARK: - Typed outcomes

    /// A run that fails halfway returns its report in the result, not only inside a thrown error:
    /// each migration's typed status, whether the snapshot was restored and whether the database
    /// was left changed. `migrate()` throws exactly that result's error.
    public func failedRunReturnsItsReport() throws {
        try withDatabase { database in
            var files = Self.goodMigrations
            files["0003_create_pets.sql"] = "CREATE TABLE pets (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\nINSERT INTO pets (id, name) VALUES (1, NULL);\n"
            let folder = try MigrationFolder(files)
            let lifeboat = try lifeboat(database, folder)
            let before = try database.fingerprint()

            let restored = try lifeboat.migrateResult()
            guard case .failed(let report, .migrationFailed(let carried, _)) = restored else {
                Issue.record("expected a failed run, got \(restored)"); return
            }
            #expect(report.migrations.map(\.status) == [.applied, .applied, .failed])
            #expect(report.failure?.version == "0003")
            #expect(report.restored && !report.databaseChanged)
            #expect(carried.restored == report.restored && carried.failure == report.failure)
            #expect(try database.fingerprint() == before)

            let kept = try lifeboat.migrateResult(MigrateOptions(onFailure: .keep))
            #expect(kept.error != nil)
            #expect(!kept.report.restored && kept.report.databaseChanged, "0001 and 0002 stay committed")
            #expect(kept.report.currentVersion == "0002")
            #expect(throws: RunError.self) { try kept.get() }

            // Rollback reports the same way: undoing 0002 and 0001 succeeds.
            let undone = try lifeboat.rollbackResult(.steps(2))
            #expect(undone.error == nil)
            #expect(undone.report.migrations.map(\.status) == [.rolledBack, .rolledBack])
            #expect(undone.report.databaseChanged)
        }
    }
}
