import Foundation
import TestSupport
import Testing

/// The `restoring` marker on SQLite, through the real binary (SPEC "The history table", v2): a
/// restore after a failed run that was killed leaves the marker, which makes the database dirty —
/// `status` names the snapshot (exit 3, text and JSON), `migrate`, `rollback` and `baseline`
/// refuse, `restore <id>` finishes the job and clears it, `repair` drops it saying so.
///
/// The kill itself is simulated by writing the marker row with `sqlite3` into a database that a
/// failed `--on-failure keep` run left half-migrated, which is exactly what a `kill -9` during the
/// automatic restore leaves (`CrashTests` does the real kills).
@Suite struct InterruptedRestoreTests {
    /// Two migrations after the examples: the first applies, the second fails.
    static func halfMigrated() throws -> (Workspace, snapshot: String) {
        let workspace = try Workspace()
        let first = try workspace.run("migrate")
        #expect(first.exitCode == 0, "\(first.stderr)")
        try workspace.write("migrations/0007_seven.sql", "CREATE TABLE seven (id INTEGER);\n")
        try workspace.write("migrations/0008_broken.sql", "CREATE TABLE eight (id INTEGER);\nCREATE TABLEX nope;\n")
        let failed = try workspace.run("migrate", "--on-failure", "keep", "--format", "json")
        #expect(failed.exitCode == 1, "\(failed.stdout)")
        let snapshot = try #require((try failed.json()["snapshot"] as? [String: Any])?["id"] as? String)
        try sqlite(workspace, """
            INSERT INTO lifeboat_history (version, description, checksum, status, applied_at, execution_ms, applied_by, snapshot_id)
            VALUES ('restoring', 'killed', '', 'restoring', '2026-11-30T20:00:00.000Z', 0, 'test@host', '\(snapshot)');
            """)
        return (workspace, snapshot)
    }

    @discardableResult
    static func sqlite(_ workspace: Workspace, _ sql: String) throws -> String {
        let result = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["sqlite3", workspace.path("app.sqlite"), sql])
        #expect(result.exitCode == 0, "sqlite3: \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("status names the interrupted restore and its way out (exit 3, text and JSON)")
    func statusNamesIt() throws {
        let (workspace, snapshot) = try Self.halfMigrated()
        let text = try workspace.run("status")
        #expect(text.exitCode == 3, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.contains("interrupted restore of snapshot \(snapshot)"), "\(text.stdout)")
        #expect(text.stderr.contains("lifeboat restore \(snapshot)"), "\(text.stderr)")
        #expect(text.stdout.contains("version:   0007"), "the marker is no version: \(text.stdout)")

        let json = try workspace.run("status", "--format", "json").json()
        #expect(json["exit_code"] as? Int == 3)
        #expect(json["interrupted_restore"] as? String == snapshot)
        #expect(json["current_version"] as? String == "0007")
        let message = try #require((json["error"] as? [String: Any])?["message"] as? String)
        #expect(message.contains("lifeboat restore \(snapshot)"))
    }

    @Test("migrate, rollback and baseline refuse (exit 3) naming `lifeboat restore <id>`, changing nothing")
    func writingCommandsRefuse() throws {
        let (workspace, snapshot) = try Self.halfMigrated()
        let before = try Self.sqlite(workspace, "SELECT group_concat(version || ':' || status, ',') FROM (SELECT * FROM lifeboat_history ORDER BY version)")
        for arguments in [["migrate"], ["rollback", "--yes"], ["baseline", "0007", "--yes"]] {
            let result = try LifeboatBinary.run(arguments, in: workspace.root)
            #expect(result.exitCode == 3, "\(arguments): \(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("lifeboat restore \(snapshot)"), "\(arguments): \(result.stderr)")
        }
        #expect(try Self.sqlite(workspace, "SELECT group_concat(version || ':' || status, ',') FROM (SELECT * FROM lifeboat_history ORDER BY version)") == before)
        #expect(try Self.sqlite(workspace, "SELECT count(*) FROM sqlite_master WHERE name = 'seven'") == "1")
    }

    @Test("`lifeboat restore <id>` finishes the interrupted restore: marker and the run's tables gone, status clean")
    func manualRestoreClearsIt() throws {
        let (workspace, snapshot) = try Self.halfMigrated()
        let restored = try workspace.run("restore", snapshot, "--yes")
        #expect(restored.exitCode == 0, "\(restored.stdout)\(restored.stderr)")
        #expect(try Self.sqlite(workspace, "SELECT count(*) FROM lifeboat_history WHERE status = 'restoring'") == "0")
        #expect(try Self.sqlite(workspace, "SELECT count(*) FROM sqlite_master WHERE name = 'seven'") == "0")
        #expect(try Self.sqlite(workspace, "PRAGMA integrity_check") == "ok")
        let status = try workspace.run("status", "--format", "json")
        #expect(status.exitCode == 0, "\(status.stdout)")
        #expect(try status.json()["current_version"] as? String == "0006")
        #expect(try status.json()["interrupted_restore"] is NSNull)
    }

    @Test("repair drops the marker and says so; the database keeps what the failed run committed")
    func repairDropsItLoudly() throws {
        let (workspace, snapshot) = try Self.halfMigrated()
        let repaired = try workspace.run("repair", "--yes")
        #expect(repaired.exitCode == 0, "\(repaired.stdout)\(repaired.stderr)")
        #expect(repaired.stdout.contains("restoring marker"), "\(repaired.stdout)")
        #expect(repaired.stdout.contains(snapshot), "\(repaired.stdout)")
        #expect(try Self.sqlite(workspace, "SELECT count(*) FROM lifeboat_history WHERE status = 'restoring'") == "0")
        #expect(try Self.sqlite(workspace, "SELECT count(*) FROM sqlite_master WHERE name = 'seven'") == "1")
        #expect(try workspace.run("status").exitCode == 0)
    }
}
