import Foundation
import Testing

/// `latest` is the newest snapshot that is not a `pre-restore` one, so `restore latest` twice puts
/// back the same state both times; `restore` shows the snapshot it chose before it acts.
@Suite struct RestoreLatestTests {
    @Test(arguments: ScriptEngine.all)
    func restoreLatestTwiceBringsBackTheSameState(engine: ScriptEngine) throws {
        let setup = try RestoreSetup(engine)
        #expect(try setup.run(["migrate", "--target", "0004"]).exitCode == 0)
        let second = try setup.run(["migrate", "--format", "json"])
        #expect(second.exitCode == 0, "\(second.stderr)")
        let snapshot = try #require(try second.json()["snapshot"] as? [String: Any])
        let chosenID = try #require(snapshot["id"] as? String)
        #expect(try setup.version() == "0006")

        for attempt in 1...2 {
            let restored = try setup.run(["restore", "latest", "--yes"])
            #expect(restored.exitCode == 0, "attempt \(attempt): \(restored.stderr)")
            #expect(try setup.version() == "0004", "attempt \(attempt) restored the state before the second migrate")
            // Shown before it acts: id, reason, label, version, age and size.
            let shown = try #require(restored.stderr.split(separator: "\n").first { $0.hasPrefix("restoring snapshot ") },
                                     "no chosen-snapshot line: \(restored.stderr)")
            #expect(shown.range(of: #"^restoring snapshot \#(chosenID) \(reason migrate, no label, version 0004, taken \d+ s ago, [0-9.]+ [KMG]?B, [0-9.]+ [KMG]?B raw\)$"#,
                                options: .regularExpression) != nil, "\(shown)")
            #expect(restored.stdout.contains("restored \(chosenID)"))
            #expect((restored.stdout + restored.stderr).components(separatedBy: "restored ").count == 2,
                    "\"restored …\" is printed once: \(restored.stdout)\(restored.stderr)")
        }
        #expect(try setup.ids(reason: "pre-restore").count == 2, "each restore took its safety snapshot")
        // `snapshots` names the same choice, so scripts need not re-implement the rule.
        let listing = try setup.run(["snapshots", "--format", "json"])
        #expect(try listing.json()["latest"] as? String == chosenID, "\(listing.stdout)")

        // With --format json stdout stays one object; the chosen line goes to stderr.
        let json = try setup.run(["restore", "latest", "--yes", "--format", "json"])
        #expect(json.exitCode == 0, "\(json.stderr)")
        #expect((try json.json()["snapshot"] as? [String: Any])?["id"] as? String == chosenID)
        #expect(json.stderr.contains("restoring snapshot \(chosenID)"))
    }

    @Test(arguments: ScriptEngine.all)
    func restoreScriptLatestTwiceBringsBackTheSameState(engine: ScriptEngine) throws {
        let repository = try ScratchRepository()
        let database = try ScriptDatabase(engine, in: repository)
        let env = ["DATABASE_URL": database.url]
        let migrations = repository.path("migrations"), backups = repository.path("backups")
        #expect(try repository.runScript("deploy.sh", ["--", "--target", "0004"], environment: env).exitCode == 0)
        #expect(try repository.runScript("deploy.sh", [], environment: env).exitCode == 0)
        for attempt in 1...2 {
            let result = try repository.runScript("restore.sh", ["--yes", "latest"], environment: env)
            #expect(result.exitCode == 0, "attempt \(attempt): \(result.output)")
            #expect(result.stdout.range(of: #"restored snapshot \d{8}T\d{9}Z-0004: .* is at version 0004"#,
                                        options: .regularExpression) != nil, "attempt \(attempt): \(result.stdout)")
            #expect(try database.currentVersion(migrations: migrations, backups: backups) == "0004", "attempt \(attempt)")
        }
    }

    /// With only pre-restore snapshots left, `latest` names none of them and says how to choose one.
    @Test func onlySafetySnapshotsAreNotLatest() throws {
        let setup = try RestoreSetup(.sqlite)
        #expect(try setup.run(["migrate"]).exitCode == 0)
        #expect(try setup.run(["restore", "latest", "--yes"]).exitCode == 0)
        for id in try setup.ids(reason: "migrate") {
            try FileManager.default.removeItem(atPath: setup.backups + "/" + id + ".json")
        }
        let refused = try setup.run(["restore", "latest", "--yes"])
        #expect(refused.exitCode == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("pre-restore safety snapshot(s) are never 'latest': name one by id"), "\(refused.stderr)")
    }
}
