import Foundation
import Testing

/// Issue 12 through the real binary: with `--backups s3://BUCKET/PREFIX` (or `LIFEBOAT_BACKUPS`)
/// every snapshot command works as with a folder — snapshot, snapshots, restore by id, `latest`
/// and object URL, prune, migrate's snapshot and automatic restore, rollback's snapshot.
@Suite(.enabled(if: S3StoreWorkspace.shouldRun))
struct S3SnapshotCommandsTests {
    @Test func snapshotListRestoreAndPruneWorkAgainstAnS3Store() async throws {
        let s3 = try await S3StoreWorkspace()
        let migrated = try s3.run("migrate", "--format", "json")
        #expect(migrated.exitCode == 0, "\(migrated.stderr)")
        let before = try #require((try migrated.json()["snapshot"] as? [String: Any])?["id"] as? String)
        let taken = try s3.run("snapshot", "--label", "good", "--format", "json")
        #expect(taken.exitCode == 0, "\(taken.stderr)")
        let good = try #require((try taken.json()["snapshot"] as? [String: Any])?["id"] as? String)
        // The payload's location is its object URL, in the JSON and the text (not a local path).
        #expect(try taken.json()["path"] as? String == "s3://\(s3.bucket)/app/\(good).sqlite.gz")

        // The objects are the folder store's files, under the prefix.
        let keys = Set(try await s3.keys())
        for id in [before, good] {
            #expect(keys.contains("app/\(id).json") && keys.contains("app/\(id).sqlite.gz"), "\(keys)")
        }
        let listed = try s3.run("snapshots", "--format", "json")
        #expect(try #require(try listed.json()["snapshots"] as? [[String: Any]]).compactMap { $0["id"] as? String } == [good, before])

        // By id: back to the empty database the migrate run started from.
        let restored = try s3.run("restore", before, "--yes")
        #expect(restored.exitCode == 0, "\(restored.stderr)")
        #expect(try s3.currentVersion() == nil)
        // `latest` skips the pre-restore safety snapshot: the labelled one.
        #expect(try s3.run("restore", "latest", "--yes", "--no-safety-snapshot").exitCode == 0)
        #expect(try s3.currentVersion() == "0006")
        // By the manifest's URL, as by a path.
        let byURL = try s3.run("restore", "\(s3.store)/\(before).json", "--yes", "--no-safety-snapshot")
        #expect(byURL.exitCode == 0, "\(byURL.stderr)")
        #expect(try s3.currentVersion() == nil)

        // LIFEBOAT_BACKUPS and LIFEBOAT_S3_PATH_STYLE instead of the flag and ?path_style.
        let viaEnvironment = try s3.workspace.run("snapshots", "--format", "json", environment: s3.s3Environment.merging(
            ["LIFEBOAT_BACKUPS": s3.store, "LIFEBOAT_S3_PATH_STYLE": "1"]) { $1 })
        S3StoreWorkspace.expectNoSecret(viaEnvironment)
        #expect(try #require(try viaEnvironment.json()["snapshots"] as? [[String: Any]]).count == 3, "\(viaEnvironment.stderr)")

        let pruned = try s3.run("prune", "--keep", "1")
        #expect(pruned.exitCode == 0, "\(pruned.stderr)")
        let left = try await s3.keys()
        #expect(left.count == 2 && left.allSatisfy { $0.hasPrefix("app/") }, "\(left)")

        // The text output names the payload by its object URL too, not as a local path.
        let text = try s3.run("snapshot")
        #expect(text.stdout.contains("\ns3://\(s3.bucket)/app/") && !text.stdout.contains("/s3:"), "\(text.stdout)")
    }

    @Test func aFailedMigrationIsRestoredFromS3AndRollbackSnapshotsThere() async throws {
        let s3 = try await S3StoreWorkspace(exampleMigrations: false)
        try s3.workspace.write("migrations/0001_people.sql", "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n-- lifeboat:down\nDROP TABLE people;\n")
        #expect(try s3.run("migrate").exitCode == 0)
        try s3.workspace.write("migrations/0002_pets.sql", "CREATE TABLE pets (id INTEGER PRIMARY KEY);\n")
        try s3.workspace.write("migrations/0003_bad.sql", "INSERT INTO people (id, name) VALUES (1, NULL);\n")
        let failed = try s3.run("migrate")
        #expect(failed.exitCode == 1, "\(failed.stderr)")
        #expect(failed.stderr.contains("restored"), "\(failed.stderr)")
        #expect(try s3.currentVersion() == "0001")
        #expect(!(try s3.run("schema").stdout.contains("pets")), "the committed 0002 was undone by the restore")

        let rolledBack = try s3.run("rollback", "--yes", "--format", "json")
        #expect(rolledBack.exitCode == 0, "\(rolledBack.stderr)")
        let listed = try #require(try s3.run("snapshots", "--format", "json").json()["snapshots"] as? [[String: Any]])
        #expect(listed.contains { $0["reason"] as? String == "rollback" }, "\(listed)")
        #expect(listed.contains { $0["reason"] as? String == "migrate" }, "\(listed)")
    }
}
