import Foundation
import Testing

/// A damaged manifest is never skipped in silence: `snapshots` lists it (exit 0), `restore` of it
/// is exit 5 saying which file and why, and a damaged newest one does not stop `latest`.
@Suite struct SnapshotDamagedManifestTests {
    /// Three runs, three snapshots; the newest manifest made not JSON, the middle one missing a field.
    private func damagedFolder() throws -> (RestoreSetup, newest: String, middle: String, oldest: String) {
        let setup = try RestoreSetup(.sqlite)
        var ids: [String] = []
        for target in ["0002", "0004", "0006"] {
            let run = try setup.run(["migrate", "--target", target, "--format", "json"])
            #expect(run.exitCode == 0, "\(run.stderr)")
            ids.append(try #require((try run.json()["snapshot"] as? [String: Any])?["id"] as? String))
        }
        try Data("{ \"format\": 1, \"id\": ".utf8).write(to: URL(fileURLWithPath: setup.backups + "/" + ids[2] + ".json"))
        let middlePath = setup.backups + "/" + ids[1] + ".json"
        var middle = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: middlePath))) as? [String: Any])
        middle.removeValue(forKey: "sha256")
        try JSONSerialization.data(withJSONObject: middle).write(to: URL(fileURLWithPath: middlePath))
        return (setup, ids[2], ids[1], ids[0])
    }

    @Test func snapshotsListsDamagedManifests() throws {
        let (setup, newest, middle, oldest) = try damagedFolder()
        let text = try setup.run(["snapshots"])
        #expect(text.exitCode == 0, "\(text.stderr)")
        #expect(text.stdout.contains("damaged: \(setup.backups)/\(newest).json: it is not JSON"), "\(text.stdout)")
        #expect(text.stdout.contains("damaged: \(setup.backups)/\(middle).json: the field 'sha256' is missing"), "\(text.stdout)")
        #expect(text.stdout.contains(oldest))

        let json = try setup.run(["snapshots", "--format", "json"])
        #expect(json.exitCode == 0)
        let object = try json.json()
        #expect((object["snapshots"] as? [[String: Any]])?.map { $0["id"] as? String } == [oldest])
        let damaged = try #require(object["damaged"] as? [[String: Any]])
        #expect(damaged.map { $0["file"] as? String } == [setup.backups + "/" + newest + ".json", setup.backups + "/" + middle + ".json"])
        #expect(damaged.map { $0["reason"] as? String } == ["it is not JSON", "the field 'sha256' is missing"])
        #expect(damaged.allSatisfy { Set($0.keys) == ["file", "reason"] })
    }

    @Test func restoreOfADamagedManifestSaysWhichFileAndWhy() throws {
        let (setup, newest, middle, _) = try damagedFolder()
        for (id, reason) in [(newest, "it is not JSON"), (middle, "the field 'sha256' is missing")] {
            for reference in [id, setup.backups + "/" + id + ".json"] {
                let refused = try setup.run(["restore", reference, "--yes"])
                #expect(refused.exitCode == 5, "\(refused.stderr)")
                #expect(refused.stderr.contains("the snapshot manifest '\(setup.backups)/\(id).json' is damaged: \(reason)"),
                        "\(refused.stderr)")
                #expect(!refused.stderr.contains("DecodingError") && !refused.stderr.contains("codingPath"), "\(refused.stderr)")
            }
        }
        #expect(try setup.version() == "0006")
        #expect(try setup.ids(reason: "pre-restore").isEmpty)
    }

    @Test func damagedNewestManifestDoesNotStopLatest() throws {
        let (setup, newest, middle, oldest) = try damagedFolder()
        let restored = try setup.run(["restore", "latest", "--yes"])
        #expect(restored.exitCode == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("restored \(oldest)"))
        #expect(restored.stderr.contains("passing over the damaged manifest \(setup.backups)/\(newest).json (it is not JSON)"), "\(restored.stderr)")
        #expect(restored.stderr.contains("passing over the damaged manifest \(setup.backups)/\(middle).json"))
        #expect(try setup.version() == nil, "the oldest snapshot was taken of the empty database")
    }
}
