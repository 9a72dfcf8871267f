import Foundation
import LifeboatKit
import Testing

/// The SPEC v2 file rules on every engine (issue 10, items A, B, 6): refused files change nothing and
/// take no snapshot; an up section of only comments is rehearsed, applied and rolled back as a no-op.
extension ConformanceSuite {
    /// A NUL byte or an explicit COMMIT/ROLLBACK in a pending migration: `migrate` and `plan` refuse
    /// (exit 3, file named) before any snapshot or statement.
    public func refusedFilesChangeNothing() throws {
        try withDatabase { database in
            let folder = try MigrationFolder(Self.goodMigrations)
            let lifeboat = try lifeboat(database, folder)
            _ = try lifeboat.migrate(MigrateOptions(noSnapshot: true))
            let before = try database.fingerprint()
            let bad: [(String, [UInt8])] = [
                ("0004_nul.sql", Array("CREATE TABLE nul_before (id INTEGER);\n".utf8) + [0] + Array("CREATE TABLE nul_after (id INTEGER);".utf8)),
                ("0004_commit.sql", Array("CREATE TABLE committed (id INTEGER);\nCOMMIT;\nCREATE TABLEX broken;\n".utf8)),
                ("0004_rollback.sql", Array("CREATE TABLE rolled (id INTEGER);\nROLLBACK;\n".utf8)),
            ]
            for (name, bytes) in bad {
                try Data(bytes).write(to: folder.migrations.appendingPathComponent(name))
                for (command, run) in [("migrate", { _ = try lifeboat.migrate() }), ("plan", { _ = try lifeboat.plan() })] as [(String, () throws -> Void)] {
                    let error = #expect(throws: CatalogError.self, "\(command) \(name)") { try run() }
                    #expect(error?.category == .validation)
                    #expect(error?.description.contains(name) == true, "\(String(describing: error))")
                }
                #expect(try database.fingerprint() == before, "\(name)")
                #expect(try lifeboat.snapshots(all: true).isEmpty, "\(name): no snapshot before a refused run")
                try folder.remove(name)
            }
        }
    }

    /// An up section of only comments is rehearsed by `plan`, applied and recorded with its checksum
    /// by `migrate`, changes nothing else, and rolls back.
    public func commentOnlyUpIsANoOp() throws {
        try withDatabase { database in
            var files = Self.goodMigrations
            files["0004_nothing.sql"] = "-- Integer size is already 64 bits here, nothing to do\n/* deliberately empty */\n-- lifeboat:down\n"
            let folder = try MigrationFolder(files)
            let lifeboat = try lifeboat(database, folder)
            _ = try lifeboat.migrate(MigrateOptions(target: MigrationVersion("3"), noSnapshot: true))
            let before = try database.query("SELECT * FROM people ORDER BY id")
            let plan = try lifeboat.plan()
            #expect(plan.migrations.map(\.status) == [.rehearsed])
            #expect(plan.migrations.first?.statements == [])
            let report = try lifeboat.migrate(MigrateOptions(noSnapshot: true))
            #expect(report.migrations.map(\.status) == [.applied])
            let checksum = try #require(try MigrationCatalog.load(from: folder.migrations.path).migration(version: "4")).checksum
            #expect(try database.query("SELECT status, checksum FROM lifeboat_history WHERE version = '0004'") == [["applied", checksum]])
            #expect(try database.query("SELECT * FROM people ORDER BY id") == before)
            _ = try lifeboat.rollback(noSnapshot: true)
            #expect(try database.query("SELECT COUNT(*) FROM lifeboat_history WHERE version = '0004'") == [["0"]])
        }
    }
}
