import Foundation
import LifeboatKit
import Testing

/// Backup-first behaviour every engine must show: one snapshot per run, automatic restore after a
/// failure, and restores that refuse anything damaged without touching the database.
extension ConformanceSuite {
    /// A run with pending migrations takes exactly one snapshot, of the state before the run; a
    /// run with nothing pending takes none.
    public func migrateTakesOneSnapshotOfTheStateBefore() throws {
        try withDatabase { database in
            let folder = try MigrationFolder(Self.goodMigrations)
            let lifeboat = try lifeboat(database, folder)
            _ = try lifeboat.migrate(MigrateOptions(target: MigrationVersion("1")))
            let beforeRun = try database.fingerprint()
            let report = try lifeboat.migrate()
            let snapshot = try #require(report.snapshot)
            #expect(snapshot.schemaVersion == "0001")
            #expect(snapshot.id.hasSuffix("-0001"))
            #expect(snapshot.reason == .migrate)
            #expect(snapshot.appliedCount == 1)
            #expect(try lifeboat.snapshots(all: false).map(\.id).contains(snapshot.id))
            #expect(try database.query("SELECT snapshot_id FROM lifeboat_history WHERE version = '0002'") == [[snapshot.id]])
            let count = try lifeboat.snapshots(all: true).count
            _ = try lifeboat.migrate()
            #expect(try lifeboat.snapshots(all: true).count == count, "nothing pending: no snapshot")

            // The snapshot holds exactly the state before the run.
            _ = try lifeboat.restore(snapshot.id, safetySnapshot: false)
            #expect(try database.fingerprint() == beforeRun)
        }
    }

    /// The third of three migrations fails: the two committed ones are undone by the restore and
    /// the database is exactly as before; with `--on-failure keep` they stay.
    public func failureRestoresTheStateBeforeTheRun() throws {
        try withDatabase { database in
            var files = Self.goodMigrations
            files["0003_create_pets.sql"] = """
                CREATE TABLE pets (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
                INSERT INTO pets (id, name) VALUES (1, NULL);
                """
            let folder = try MigrationFolder(files)
            let lifeboat = try lifeboat(database, folder)
            try database.execute("CREATE TABLE existing (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO existing (id, note) VALUES (1, 'kept');")
            let before = try database.fingerprint()
            let error = try #require(throws: RunError.self) { try lifeboat.migrate() }
            guard case .migrationFailed(let report, _) = error else { Issue.record("\(error)"); return }
            #expect(report.restored)
            #expect(report.committedCount == 2)
            #expect(report.failure?.version == "0003")
            #expect(error.description.contains("restored"))
            #expect(try database.fingerprint() == before)
            // Spelled out, in case a fingerprint missed it: the committed migrations' table is gone.
            #expect(throws: (any Error).self, "people, created by committed 0001, is gone") {
                try database.query("SELECT COUNT(*) FROM people")
            }
            #expect(try database.query("SELECT note FROM existing") == [["kept"]])

            let kept = try #require(throws: RunError.self) { try lifeboat.migrate(MigrateOptions(onFailure: .keep)) }
            guard case .migrationFailed(let keptReport, _) = kept else { Issue.record("\(kept)"); return }
            #expect(!keptReport.restored)
            #expect(try database.query("SELECT version FROM lifeboat_history ORDER BY version") == [["0001"], ["0002"]])
        }
    }

    /// Restore puts back the snapshot's state and removes what was created after it, after taking
    /// a safety snapshot that can undo the restore.
    public func restoreIsExactAndUndoable() throws {
        try withDatabase { database in
            let folder = try MigrationFolder(Self.goodMigrations)
            let lifeboat = try lifeboat(database, folder)
            _ = try lifeboat.migrate(MigrateOptions(target: MigrationVersion("2")))
            let snapshot = try lifeboat.snapshot(label: "known good")
            #expect(snapshot.label == "known good")
            #expect(snapshot.reason == .manual)
            let good = try database.fingerprint()
            _ = try lifeboat.migrate()
            try database.execute("INSERT INTO people (id, name, email) VALUES (3, 'Linus', 'l@example.com')")
            let bad = try database.fingerprint()

            let report = try lifeboat.restore(snapshot.id)
            #expect(report.restoredVersion == "0002")
            #expect(try database.fingerprint() == good)
            let safety = try #require(report.safetySnapshot)
            #expect(safety.reason == .preRestore)

            _ = try lifeboat.restore(safety.id, safetySnapshot: false)
            #expect(try database.fingerprint() == bad)
            _ = try lifeboat.restore("latest", safetySnapshot: false)
            #expect(try database.fingerprint() == good,
                    "latest is never a pre-restore safety snapshot (SPEC v2): it is the one migrate took, at the good state")
        }
    }

    /// Each damaged or foreign snapshot is refused (exit 5; exit 2 for a name that is no
    /// snapshot) and the database is unchanged.
    public func restoreRefusesDamagedSnapshots() throws {
        try withDatabase { database in
            let folder = try MigrationFolder(Self.goodMigrations)
            let lifeboat = try lifeboat(database, folder)
            _ = try lifeboat.migrate(MigrateOptions(target: MigrationVersion("1")))
            let original = try lifeboat.snapshot(label: nil)
            _ = try lifeboat.migrate()
            let before = try database.fingerprint()
            let backups = folder.backups

            /// Copies the original snapshot under a new id, damaged by `damage`.
            func damaged(_ suffix: String, _ damage: (_ payload: URL, _ manifest: URL) throws -> Void) throws -> String {
                let stamp = original.id.split(separator: "-")[0]
                let id = "\(stamp)-9\(suffix)"
                let payloadName = original.payload.replacingOccurrences(of: original.id, with: id)
                let payload = backups.appendingPathComponent(payloadName)
                let manifest = backups.appendingPathComponent(id + ".json")
                try FileManager.default.copyItem(at: backups.appendingPathComponent(original.payload), to: payload)
                var json = try String(contentsOf: backups.appendingPathComponent(original.id + ".json"), encoding: .utf8)
                json = json.replacingOccurrences(of: original.id, with: id)
                try json.write(to: manifest, atomically: true, encoding: .utf8)
                try damage(payload, manifest)
                return id
            }
            func expectRefused(_ reference: String, category: ErrorCategory, sourceLocation: SourceLocation = #_sourceLocation) {
                do {
                    _ = try lifeboat.restore(reference)
                    Issue.record("restore \(reference) succeeded", sourceLocation: sourceLocation)
                } catch let error as LifeboatError {
                    #expect(error.category == category, "\(error)", sourceLocation: sourceLocation)
                } catch {
                    Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
                }
                #expect((try? database.fingerprint()) == before, sourceLocation: sourceLocation)
            }

            let truncated = try damaged("1") { payload, _ in
                let data = try Data(contentsOf: payload)
                try data.prefix(data.count / 2).write(to: payload)
            }
            expectRefused(truncated, category: .snapshot)

            let flipped = try damaged("2") { payload, _ in
                var data = try Data(contentsOf: payload)
                data[data.count / 2] ^= 0x01
                try data.write(to: payload)
            }
            expectRefused(flipped, category: .snapshot)

            let editedSum = try damaged("3") { _, manifest in
                var json = try String(contentsOf: manifest, encoding: .utf8)
                json = json.replacingOccurrences(of: original.sha256, with: String(original.sha256.reversed()))
                try json.write(to: manifest, atomically: true, encoding: .utf8)
            }
            expectRefused(editedSum, category: .snapshot)

            let foreign = try damaged("4") { _, manifest in
                var json = try String(contentsOf: manifest, encoding: .utf8)
                let other = original.engine == "sqlite" ? "postgres" : "sqlite"
                json = json.replacingOccurrences(of: "\"engine\" : \"\(original.engine)\"", with: "\"engine\" : \"\(other)\"")
                    .replacingOccurrences(of: "\"engine\":\"\(original.engine)\"", with: "\"engine\":\"\(other)\"")
                try json.write(to: manifest, atomically: true, encoding: .utf8)
            }
            expectRefused(foreign, category: .snapshot)

            let notGzip = try damaged("5") { payload, manifest in
                let bytes = Data("this is not gzip at all\n".utf8)
                try bytes.write(to: payload)
                // A manifest whose checksum matches: the reader itself must refuse the bytes.
                var json = try String(contentsOf: manifest, encoding: .utf8)
                json = json.replacingOccurrences(of: original.sha256, with: SHA256Hex.of(bytes))
                try json.write(to: manifest, atomically: true, encoding: .utf8)
            }
            expectRefused(notGzip, category: .snapshot)

            let orphan = try damaged("6") { _, manifest in try FileManager.default.removeItem(at: manifest) }
            #expect(try !lifeboat.snapshots(all: true).map(\.id).contains(orphan))
            expectRefused(orphan, category: .usage)
            expectRefused("20991231T000000000Z-0001", category: .usage)
        }
    }
}
