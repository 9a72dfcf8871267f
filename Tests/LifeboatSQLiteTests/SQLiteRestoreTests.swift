import EngineConformance
import Foundation
import LifeboatEngines
import LifeboatKit
import LifeboatSQLite
import Testing

/// SQLite-specific restore behaviour: the restore goes in through the backup API, so a connection
/// that was open before the restore sees the restored database, not the file it opened.
@Suite struct SQLiteRestoreTests {
    @Test func connectionOpenDuringRestoreSeesTheRestoredDatabase() throws {
        let database = try SQLiteTestDatabase()
        defer { database.drop() }
        let folder = try MigrationFolder(ConformanceSuite.goodMigrations)
        let configuration = try Configuration(databaseURL: database.url, migrationsDirectory: folder.migrations.path,
                                              backupsDirectory: folder.backups.path)
        let lifeboat = Lifeboat(configuration: configuration, engines: StandardEngines())
        _ = try lifeboat.migrate(MigrateOptions(target: MigrationVersion("1")))
        let snapshot = try lifeboat.snapshot(label: nil)
        _ = try lifeboat.migrate()

        let bystander = try SQLiteEngine.open(try DatabaseURL(database.url))
        defer { bystander.close() }
        #expect(try bystander.readHistory(HistoryTable()).count == 3)
        _ = try lifeboat.restore(snapshot.id, safetySnapshot: false)
        #expect(try bystander.readHistory(HistoryTable()).map(\.version) == ["0001"])
        #expect(try database.query("SELECT name FROM sqlite_master WHERE name = 'pets'").isEmpty)
    }
}
