import Foundation
import Testing

/// A `migrate` run that fails without changing the database deletes the snapshot it took, and says
/// so; a run that changed the database (a committed migration, or a no-transaction migration that
/// failed halfway) keeps it.
@Suite struct MigrateFailureSnapshotTests {
    @Test(arguments: ScriptEngine.all)
    func failedRunsThatChangedNothingLeaveNoSnapshot(engine: ScriptEngine) throws {
        let setup = try RestoreSetup(engine)
        #expect(try setup.run(["migrate"]).exitCode == 0)
        let kept = try setup.manifests().keys.sorted()
        #expect(kept.count == 1)

        try setup.repository.write("migrations/0007_broken.sql", "-- lifeboat:up\nCREATE TABLE broken (id INTEGER);\nSELECT * FROM no_such_table;\n")
        for attempt in 1...4 {
            let failed = try setup.run(["migrate"])
            #expect(failed.exitCode == 1, "attempt \(attempt): \(failed.stderr)")
            #expect(failed.stderr.range(of: #"nothing of this run was committed: the database is as before; snapshot \d{8}T\d{9}Z-0006, identical to it, was deleted"#,
                                        options: .regularExpression) != nil, "attempt \(attempt): \(failed.stderr)")
        }
        #expect(try setup.manifests().keys.sorted() == kept, "four failed tries left no snapshot")
        #expect((try setup.run(["snapshots", "--format", "json"]).json()["snapshots"] as? [Any])?.count == 1)
        #expect(try setup.version() == "0006")

        let json = try setup.run(["migrate", "--format", "json"])
        #expect(json.exitCode == 1)
        #expect(try json.json()["snapshot_deleted"] as? Bool == true)
    }

    @Test(arguments: ScriptEngine.all)
    func failedRunsThatChangedTheDatabaseKeepTheirSnapshot(engine: ScriptEngine) throws {
        let setup = try RestoreSetup(engine)
        #expect(try setup.run(["migrate"]).exitCode == 0)

        // One migration committed, then one failed: restored from the snapshot, which is kept.
        try setup.repository.write("migrations/0007_fine.sql", "-- lifeboat:up\nCREATE TABLE fine (id INTEGER);\n")
        try setup.repository.write("migrations/0008_broken.sql", "-- lifeboat:up\nSELECT * FROM no_such_table;\n")
        let restored = try setup.run(["migrate", "--format", "json"])
        #expect(restored.exitCode == 1, "\(restored.stderr)")
        let report = try restored.json()
        #expect(report["restored"] as? Bool == true)
        #expect(report["snapshot_deleted"] as? Bool == false)
        #expect(try setup.manifests().count == 2)
        // In text, the restore is told once, not also by a log line.
        let text = try setup.run(["migrate"])
        #expect(text.exitCode == 1)
        #expect((text.stdout + text.stderr).components(separatedBy: "restored snapshot").count == 2, "\(text.stdout)\(text.stderr)")
        #expect(try setup.manifests().count == 3)

        // A no-transaction migration that failed halfway changed the database: kept too.
        try FileManager.default.removeItem(atPath: setup.repository.path("migrations/0007_fine.sql"))
        try FileManager.default.removeItem(atPath: setup.repository.path("migrations/0008_broken.sql"))
        try setup.repository.write("migrations/0007_halfway.sql",
                                   "-- lifeboat:no-transaction\n-- lifeboat:up\nCREATE TABLE halfway (id INTEGER);\nSELECT * FROM no_such_table;\n")
        let halfway = try setup.run(["migrate", "--format", "json"])
        #expect(halfway.exitCode == 1, "\(halfway.stderr)")
        #expect(try halfway.json()["snapshot_deleted"] as? Bool == false)
        #expect(try setup.manifests().count == 4)
        #expect(try setup.version() == "0006")
    }
}
