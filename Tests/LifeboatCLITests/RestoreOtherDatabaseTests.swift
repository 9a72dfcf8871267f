import Foundation
import Testing

/// A snapshot of another database of the same engine is refused (exit 2, naming both) unless
/// `--force`; another engine's is exit 5; `latest` with none of the target's points at
/// `snapshots --all`, which shows each snapshot's database.
@Suite struct RestoreOtherDatabaseTests {
    @Test(arguments: ScriptEngine.all)
    func anotherDatabasesSnapshotNeedsForce(engine: ScriptEngine) throws {
        let setup = try RestoreSetup(engine)
        let other = try ScriptDatabase(engine, in: setup.repository, name: "other")
        // The other database's snapshot, in the same folder.
        let taken = try setup.run(["migrate", "--target", "0002", "--format", "json"], url: other.url)
        #expect(taken.exitCode == 0, "\(taken.stderr)")
        let manifest = try #require(try taken.json()["snapshot"] as? [String: Any])
        let id = try #require(manifest["id"] as? String)
        let otherShown = try #require(manifest["database"] as? String)
        #expect(try setup.run(["migrate"]).exitCode == 0)
        let targetShown = try #require(try setup.run(["status", "--format", "json"]).json()["database"] as? String)

        for reference in [id, setup.backups + "/" + id + ".json", setup.backups + "/" + (manifest["payload"] as? String ?? "")] {
            let refused = try setup.run(["restore", reference, "--yes"])
            #expect(refused.exitCode == 2, "\(reference): \(refused.stderr)")
            #expect(refused.stderr.contains("snapshot \(id) is of \(otherShown), not of the target \(targetShown)"), "\(refused.stderr)")
            #expect(refused.stderr.contains("--force"))
            #expect(try setup.version() == "0006", "nothing changed")
            if engine == .postgres, let password = PostgresServer.password(of: setup.database.url) {
                #expect(!refused.stderr.contains(password))
            }
        }

        let forced = try setup.run(["restore", id, "--yes", "--force"])
        #expect(forced.exitCode == 0, "\(forced.stderr)")
        #expect(forced.stderr.contains("restoring it anyway (--force)"))
        #expect(try setup.version() == nil, "the other database's snapshot was taken before any migration")
    }

    /// `latest` with no snapshot of the target says how many other databases' snapshots exist and
    /// points at `snapshots --all`, which lists each one's database.
    @Test(arguments: ScriptEngine.all)
    func latestWithNoneOfTheTargetPointsAtSnapshotsAll(engine: ScriptEngine) throws {
        let setup = try RestoreSetup(engine)
        let other = try ScriptDatabase(engine, in: setup.repository, name: "other")
        #expect(try setup.run(["migrate", "--target", "0002"], url: other.url).exitCode == 0)
        #expect(try setup.run(["snapshot"], url: other.url).exitCode == 0)
        if engine == .sqlite {
            // Read-only commands may not create a SQLite file: give the target one.
            #expect(try setup.run(["migrate", "--target", "0001", "--no-snapshot"]).exitCode == 0)
        }

        let refused = try setup.run(["restore", "latest", "--yes"])
        #expect(refused.exitCode == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("the folder holds 2 snapshot(s) of other databases: `lifeboat snapshots --all`"),
                "\(refused.stderr)")

        let listed = try setup.run(["snapshots", "--all"])
        #expect(listed.exitCode == 0)
        let lines = listed.stdout.split(separator: "\n")
        #expect(lines.first?.contains("DATABASE") == true, "\(listed.stdout)")
        let otherShown = try #require(try setup.run(["status", "--format", "json"], url: other.url).json()["database"] as? String)
        #expect(lines.dropFirst().filter { $0.contains(otherShown) }.count == 2, "\(listed.stdout)")
    }

    /// A snapshot of the other engine stays exit 5 (engine mismatch), whatever `--force` says.
    @Test func otherEngineIsExitFive() throws {
        let setup = try RestoreSetup(.sqlite)
        #expect(try setup.run(["migrate"]).exitCode == 0)
        let id = try #require(try setup.ids(reason: "migrate").first)
        let refused = try setup.run(["restore", id, "--yes", "--force"], url: "postgres://app@127.0.0.1:1/app")
        #expect(refused.exitCode == 5, "\(refused.stderr)")
        #expect(refused.stderr.contains("is a sqlite snapshot and the target is a postgres database"), "\(refused.stderr)")
    }
}

/// `localhost` and `127.0.0.1` name one PostgreSQL database: the snapshots taken through one are
/// the other's `latest`.
@Suite struct PostgresLoopbackIdentityTests {
    @Test(.enabled(if: PostgresServer.url != nil || PostgresServer.isCI))
    func localhostAndLoopbackAddressAreOneDatabase() throws {
        let setup = try RestoreSetup(.postgres)
        var components = try #require(URLComponents(string: setup.database.url))
        let host = components.host ?? "localhost"
        try #require(["localhost", "127.0.0.1"].contains(host), "the test server is not local: \(host)")
        components.host = host == "localhost" ? "127.0.0.1" : "localhost"
        let otherSpelling = try #require(components.string)

        #expect(try setup.run(["migrate", "--target", "0003"]).exitCode == 0)
        #expect(try setup.run(["migrate"]).exitCode == 0)
        let listed = try setup.run(["snapshots", "--format", "json"], url: otherSpelling)
        #expect((try listed.json()["snapshots"] as? [Any])?.count == 2, "\(listed.stdout)")
        let restored = try setup.run(["restore", "latest", "--yes"], url: otherSpelling)
        #expect(restored.exitCode == 0, "\(restored.stderr)")
        #expect(try setup.version() == "0003")
    }
}
