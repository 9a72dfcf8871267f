import Foundation
import TestSupport
import Testing

/// Snapshots on SQLite through the binary and the real `gunzip`/`sqlite3` tools: what a person
/// recovering by hand would see.
@Suite struct SnapshotCommandTests {
    /// `gunzip -c` of the pre-run snapshot is a SQLite file whose `.dump` equals the database
    /// before the run.
    @Test func migrateSnapshotGunzipsToTheDatabaseBeforeTheRun() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate", "--target", "4").exitCode == 0)
        let before = try Shell.run("sqlite3", [workspace.path("app.sqlite"), ".dump"])
        let result = try workspace.run("migrate", "--format", "json")
        #expect(result.exitCode == 0)
        let snapshot = try #require(try result.json()["snapshot"] as? [String: Any])
        let payload = try #require(snapshot["payload"] as? String)
        #expect(payload.hasSuffix(".sqlite.gz"))
        let recovered = workspace.path("recovered.sqlite")
        _ = try Shell.run("sh", ["-c", "gunzip -c \"$0\" > \"$1\"", workspace.path("backups/" + payload), recovered])
        #expect(try Shell.run("sqlite3", [recovered, "PRAGMA integrity_check"]) == "ok\n")
        #expect(try Shell.run("sqlite3", [recovered, ".dump"]) == before)
        let entries = try FileManager.default.contentsOfDirectory(atPath: workspace.path("backups"))
        #expect(entries.filter { $0.hasSuffix(".json") }.count == 2, "one for each of the two runs: \(entries)")
        #expect(entries.contains(payload) && entries.contains(String(payload.dropLast(".sqlite.gz".count)) + ".json"))
        let attributes = try FileManager.default.attributesOfItem(atPath: workspace.path("backups"))
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let fileAttributes = try FileManager.default.attributesOfItem(atPath: workspace.path("backups/" + payload))
        #expect((fileAttributes[.posixPermissions] as? Int) == 0o600)
    }

    /// snapshot, snapshots and restore with --format json, and restore's need for --yes.
    @Test func snapshotListAndRestoreThroughTheBinary() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate", "--target", "2").exitCode == 0)
        let taken = try workspace.run("snapshot", "--label", "before tasks", "--format", "json")
        #expect(taken.exitCode == 0, "\(taken.stderr)")
        let manifest = try #require(try taken.json()["snapshot"] as? [String: Any])
        let id = try #require(manifest["id"] as? String)
        for key in ["format", "id", "engine", "database", "created_at", "schema_version", "applied_count", "raw_bytes",
                    "compressed_bytes", "sha256", "compression_level", "duration_ms", "reason", "label", "tool_version",
                    "sqlite_version"] {
            #expect(manifest.keys.contains(key), "manifest lacks \(key)")
        }
        #expect(manifest["label"] as? String == "before tasks")
        #expect(manifest["engine"] as? String == "sqlite")

        #expect(try workspace.run("migrate").exitCode == 0)
        let listed = try workspace.run("snapshots", "--format", "json")
        let snapshots = try #require(try listed.json()["snapshots"] as? [[String: Any]])
        #expect(snapshots.count == 3, "migrate --target 2, snapshot, migrate")
        #expect(snapshots.map { $0["id"] as? String }[1] == id, "newest first")

        let refused = try workspace.run("restore", id)
        #expect(refused.exitCode == 2, "no terminal and no --yes")
        #expect(try workspace.run("status", "--format", "json").json()["current_version"] as? String == "0006")

        let restored = try workspace.run("restore", id, "--yes", "--format", "json")
        #expect(restored.exitCode == 0, "\(restored.stderr)")
        let json = try restored.json()
        #expect(json["restored_version"] as? String == "0002")
        #expect(json["safety_snapshot"] is [String: Any])
        #expect(try workspace.run("status", "--format", "json").json()["current_version"] as? String == "0002")
        #expect(try workspace.run("restore", "20990101T000000000Z-0001", "--yes").exitCode == 2)
    }

    /// A one-letter relative backups folder (Foundation's path functions once crashed on it).
    @Test func shortRelativeBackupsFolder() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate", "--backups", "b").exitCode == 0)
        let listed = try workspace.run("snapshots", "--backups", "b", "--format", "json")
        #expect((try listed.json()["snapshots"] as? [Any])?.count == 1)
        let restored = try workspace.run("restore", "latest", "--yes", "--backups", "b")
        #expect(restored.exitCode == 0, "\(restored.stderr)")
    }

    /// A snapshot taken while another process writes rows in pairs holds a consistent point:
    /// it passes integrity_check and no pair is split.
    @Test func snapshotUnderConcurrentWritesIsConsistent() throws {
        let workspace = try Workspace()
        let database = workspace.path("app.sqlite")
        #expect(try workspace.run("migrate").exitCode == 0)
        _ = try Shell.run("sqlite3", [database, "PRAGMA journal_mode=WAL; CREATE TABLE pairs (pair INTEGER, side INTEGER, filler TEXT);"])
        var script = "PRAGMA busy_timeout=10000; PRAGMA synchronous=OFF;\n"
        for pair in 0..<6_000 {
            script += "BEGIN; INSERT INTO pairs VALUES (\(pair), 0, hex(randomblob(64))); INSERT INTO pairs VALUES (\(pair), 1, hex(randomblob(64))); COMMIT;\n"
        }
        try script.write(toFile: workspace.path("writes.sql"), atomically: true, encoding: .utf8)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "sqlite3 \"$0\" < \"$1\"", database, workspace.path("writes.sql")]
        try writer.run()
        defer { if writer.isRunning { writer.terminate() } }
        // Let the writer get going, then snapshot a few times while it writes.
        var ids: [String] = []
        for _ in 0..<3 {
            Thread.sleep(forTimeInterval: 0.1)
            let taken = try workspace.run("snapshot", "--format", "json")
            #expect(taken.exitCode == 0, "\(taken.stderr)")
            if let manifest = try taken.json()["snapshot"] as? [String: Any], let payload = manifest["payload"] as? String {
                ids.append(payload)
            }
        }
        writer.waitUntilExit()
        #expect(ids.count == 3)
        var sawRows = false
        for payload in ids {
            let copy = workspace.path("check-\(UUID().uuidString).sqlite")
            _ = try Shell.run("sh", ["-c", "gunzip -c \"$0\" > \"$1\"", workspace.path("backups/" + payload), copy])
            #expect(try Shell.run("sqlite3", [copy, "PRAGMA integrity_check"]) == "ok\n")
            let split = try Shell.run("sqlite3", [copy, "SELECT COUNT(*) FROM (SELECT pair FROM pairs GROUP BY pair HAVING COUNT(*) <> 2)"])
            #expect(split == "0\n", "split pairs in \(payload)")
            if try Shell.run("sqlite3", [copy, "SELECT COUNT(*) > 0 FROM pairs"]) == "1\n" { sawRows = true }
        }
        #expect(sawRows, "the snapshots were taken while rows were being written")
    }

    /// `kill -9` of `lifeboat snapshot` halfway leaves no listed snapshot, and `prune` removes
    /// what it left behind.
    @Test func killedSnapshotLeavesNothingListedAndPruneCleansUp() throws {
        let workspace = try Workspace()
        let database = workspace.path("app.sqlite")
        #expect(try workspace.run("migrate").exitCode == 0)
        // About 40 MB of poorly compressible rows, so the snapshot takes a moment.
        _ = try Shell.run("sqlite3", [database, """
            CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
            INSERT INTO blobs SELECT i, randomblob(4000) FROM n;
            """])
        let before = try workspace.run("snapshots", "--format", "json").json()["snapshots"] as? [[String: Any]]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: LifeboatBinary.path)
        process.arguments = ["snapshot", "--compression-level", "9"]
        process.currentDirectoryURL = workspace.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the partial payload appears, then kill it mid-write.
        let deadline = Date().addingTimeInterval(20)
        var sawPartial = false
        while Date() < deadline, process.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: workspace.path("backups"))) ?? []
            if names.contains(where: { $0.hasPrefix(".") && $0.contains(".gz") }) { sawPartial = true; break }
            usleep(2_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(sawPartial, "the snapshot was killed while writing its payload")
        let after = try workspace.run("snapshots", "--format", "json").json()["snapshots"] as? [[String: Any]]
        #expect(after?.count == before?.count, "a killed snapshot is not listed")

        let pruned = try workspace.run("prune", "--format", "json")
        #expect(pruned.exitCode == 0, "\(pruned.stderr)")
        #expect((try pruned.json()["leftovers"] as? [String])?.isEmpty == false)
        let names = try FileManager.default.contentsOfDirectory(atPath: workspace.path("backups"))
        // A kill between making its scratch run folder and locking the owner file inside leaves a
        // run folder, empty or holding only the not yet locked `owner.new`, that cleanup keeps for
        // 60 s (it may be another live run's, being made): allowed, as long as it holds nothing else.
        let scratch = workspace.path("backups/.lifeboat-scratch")
        let scratchFiles = FileManager.default.enumerator(atPath: scratch)?.allObjects.compactMap { item -> String? in
            guard let relative = item as? String, (relative as NSString).lastPathComponent != "owner.new" else { return nil }
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: scratch + "/" + relative, isDirectory: &isFolder)
            return isFolder.boolValue ? nil : relative
        } ?? []
        #expect(scratchFiles.isEmpty, "\(scratchFiles)")
        #expect(names.allSatisfy { ($0 == ".lifeboat-scratch" || !$0.hasPrefix(".")) && !$0.hasSuffix(".tmp") }, "\(names)")
    }
}

/// Runs a command-line tool and returns its stdout; throws with its stderr when it fails.
enum Shell {
    struct Failure: Error, CustomStringConvertible { let description: String }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:],
                    in directory: URL? = nil) throws -> String {
        let result = try ChildProcess.tool(tool, arguments, in: directory,
                                           environment: ChildProcess.environment(dropping: { _ in false }, adding: environment))
        guard result.exitCode == 0 else {
            throw Failure(description: "\(tool) \(arguments.joined(separator: " ")) exited \(result.exitCode): \(result.stderr)")
        }
        return result.stdout
    }
}
