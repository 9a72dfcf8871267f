import Foundation
import Testing

/// The JSON shape of the reports through the binary: every key the SPEC names is present, and the
/// ones without a value are explicit `null`, not left out. The keys are named once (`ReportJSON`:
/// camelCase → snake_case; `@JSONNull` for nulls); this pins the output that makes.
@Suite struct ReportJSONShapeTests {
    /// `key` for a value, `key=null` for an explicit null, over an object's own keys.
    static func shape(_ object: [String: Any]) -> Set<String> {
        Set(object.map { $0.value is NSNull ? "\($0.key)=null" : $0.key })
    }

    static let envelope: Set<String> = ["command", "ok", "exit_code"]

    @Test func statusOfAFreshDatabase() throws {
        let workspace = try Workspace()
        #expect(FileManager.default.createFile(atPath: workspace.path("app.sqlite"), contents: nil))
        let json = try workspace.run("status", "--format", "json").json()
        #expect(Self.shape(json) == Self.envelope.union([
            "engine", "database", "current_version=null", "applied_count", "pending_count", "failed_count", "drift_count",
            "missing_count", "migrations", "latest_snapshot=null", "interrupted_restore=null", "out_of_order=null",
        ]))
        let pending = try #require((json["migrations"] as? [[String: Any]])?.first)
        #expect(Self.shape(pending) == ["version", "description", "checksum", "status", "applied_at=null", "execution_ms=null", "file"])
        #expect(pending["status"] as? String == "pending")
    }

    @Test func planWithoutRehearsal() throws {
        let workspace = try Workspace()
        #expect(FileManager.default.createFile(atPath: workspace.path("app.sqlite"), contents: nil))
        let result = try workspace.run("plan", "--no-rehearse", "--allow-destructive", "--format", "json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(Self.shape(json) == Self.envelope.union([
            "engine", "database", "current_version=null", "migrations", "lint", "rehearsed", "failure=null",
        ]))
        let planned = try #require((json["migrations"] as? [[String: Any]])?.first)
        // SPEC v2 ("PostgreSQL lock safety"): the lock-impact keys, null where nothing was measured.
        #expect(Self.shape(planned) == ["version", "description", "checksum", "status", "file", "statements", "no_transaction",
                                        "rehearsal_ms=null", "execution_ms=null", "locks=null", "rewrites=null", "rows=null",
                                        "verdict=null"])
    }

    @Test func migrateUpToDateAndFailedAndRestore() throws {
        let workspace = try Workspace()
        let first = try workspace.run("migrate", "--format", "json")
        #expect(first.exitCode == 0, "\(first.stderr)")
        let applied = try first.json()
        let migrateKeys: Set<String> = ["engine", "database", "migrations", "restored", "snapshot_deleted", "database_changed",
                                        "total_ms", "up_to_date", "pruned"]
        #expect(Self.shape(applied) == Self.envelope.union(migrateKeys).union(["snapshot", "failure=null", "current_version"]))
        #expect(applied["database_changed"] as? Bool == true)
        let entry = try #require((applied["migrations"] as? [[String: Any]])?.first)
        // SPEC v2 ("PostgreSQL lock safety"): `lock_retries` per migration of a migrate report.
        #expect(Self.shape(entry) == ["version", "description", "checksum", "status", "applied_at", "execution_ms", "file",
                                      "lock_retries"])
        let snapshot = try #require(applied["snapshot"] as? [String: Any])
        #expect(snapshot["schema_version"] is NSNull && snapshot["label"] is NSNull, "the manifest's empty keys are null")

        let again = try workspace.run("migrate", "--format", "json").json()
        #expect(Self.shape(again) == Self.envelope.union(migrateKeys).union(["snapshot=null", "failure=null", "current_version"]))
        #expect(again["database_changed"] as? Bool == false)

        try workspace.write("migrations/0007_broken.sql", "-- lifeboat:up\nINSERT INTO no_such_table VALUES (1);\n")
        let failed = try workspace.run("migrate", "--format", "json")
        #expect(failed.exitCode == 1)
        let failedJSON = try failed.json()
        #expect(Self.shape(failedJSON) == Self.envelope.union(migrateKeys).union(["snapshot", "failure", "current_version", "error"]))
        #expect(failedJSON["database_changed"] as? Bool == false, "nothing of the run was committed")

        let id = try #require(snapshot["id"] as? String)
        let restored = try workspace.run("restore", id, "--yes", "--format", "json")
        #expect(restored.exitCode == 0, "\(restored.stderr)")
        #expect(Self.shape(try restored.json()) == Self.envelope.union(["snapshot", "safety_snapshot", "restored_version=null", "total_ms"]))
    }

    /// The listing names the database as lifeboat shows it, so scripts need not redact URLs.
    @Test func snapshotListingNamesTheDatabase() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate").exitCode == 0)
        let json = try workspace.run("snapshots", "--format", "json").json()
        #expect(Self.shape(json) == Self.envelope.union(["database", "snapshots", "damaged", "latest"]))
        let snapshots = try #require(json["snapshots"] as? [[String: Any]])
        #expect(json["latest"] as? String == snapshots.first?["id"] as? String, "the one snapshot is `latest`")
        let all = try workspace.run("snapshots", "--all", "--format", "json").json()
        #expect(all["latest"] is NSNull, "--all spans databases: no single latest")
        let status = try workspace.run("status", "--format", "json").json()
        #expect(json["database"] as? String == status["database"] as? String)
    }
}
