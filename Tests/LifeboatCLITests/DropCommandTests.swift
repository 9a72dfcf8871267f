import Foundation
import Testing
import TestSupport

/// `lifeboat drop` (a dbmate habit), backup-first: a snapshot (label "before drop"), then the database is
/// gone; `create` + `restore latest` puts it back. Without a terminal it needs `--yes`.
@Suite struct DropCommandTests {
    private func sqlite(_ workspace: Workspace, _ sql: String) throws -> String {
        let result = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["sqlite3", workspace.path("app.sqlite"), sql])
        #expect(result.exitCode == 0, "sqlite3 \(sql): \(result.stderr)")
        return result.stdout
    }

    @Test func sqliteDropSnapshotsFirstAndRestoreLatestBringsItBack() throws {
        let workspace = try Workspace(exampleMigrations: true)
        #expect(try workspace.run("migrate").exitCode == 0)
        let before = try sqlite(workspace, ".dump")
        try workspace.write("app.sqlite-journal", "")

        let refused = try workspace.run("drop")
        #expect(refused.exitCode == 2, "no terminal, no --yes: \(refused.stderr)")
        #expect(workspace.exists("app.sqlite"), "nothing changed")

        let dropped = try workspace.run("drop", "--yes", "--format", "json")
        #expect(dropped.exitCode == 0, "\(dropped.stderr)")
        let report = try dropped.json()
        #expect(report["dropped"] as? Bool == true)
        let snapshot = try #require(report["snapshot"] as? [String: Any])
        #expect(snapshot["reason"] as? String == "manual" && snapshot["label"] as? String == "before drop")
        #expect(!workspace.exists("app.sqlite") && !workspace.exists("app.sqlite-journal"))

        let listed = try workspace.run("snapshots", "--format", "json", "--all")
        #expect(listed.exitCode == 0, "\(listed.stderr)")
        let restored = try workspace.run("restore", "latest", "--yes")
        #expect(restored.exitCode == 0, "\(restored.stderr)")
        #expect(restored.stderr.contains(try #require(snapshot["id"] as? String)))
        #expect(try sqlite(workspace, ".dump") == before)
    }

    @Test func nothingToDropIsASuccessAndCreatesNoFile() throws {
        let workspace = try Workspace()
        let result = try workspace.run("drop", "--yes", "--format", "json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let report = try result.json()
        #expect(report["dropped"] as? Bool == false)
        #expect(report["snapshot"] is NSNull)
        #expect(!workspace.exists("app.sqlite"))
    }

    @Test func noSnapshotDropsWithoutOne() throws {
        let workspace = try Workspace(exampleMigrations: true)
        #expect(try workspace.run("migrate", "--no-snapshot").exitCode == 0)
        let result = try workspace.run("drop", "--yes", "--no-snapshot", "--format", "json")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(try result.json()["snapshot"] is NSNull)
        #expect(!workspace.exists("app.sqlite"))
        let snapshots = (try? FileManager.default.contentsOfDirectory(atPath: workspace.path("backups"))) ?? []
        #expect(snapshots.filter { $0.hasSuffix(".json") }.isEmpty, "\(snapshots)")
    }

    @Test(.enabled(if: PostgresServer.url != nil || PostgresServer.isCI))
    func postgresDropThenCreateAndRestore() throws {
        let server = try PostgresServer.requireURL()
        let name = "lifeboat_drop_" + UUID().uuidString.prefix(8).lowercased()
        let target = try PostgresServer.url(server, database: name)
        defer { _ = try? PostgresServer.psql(server, "DROP DATABASE IF EXISTS \(name)") }
        let workspace = try Workspace(exampleMigrations: true)
        let env = ["DATABASE_URL": target]
        #expect(try workspace.run("create", environment: env).exitCode == 0)
        #expect(try workspace.run("migrate", environment: env).exitCode == 0)

        let dropped = try workspace.run("drop", "--yes", "--format", "json", environment: env)
        #expect(dropped.exitCode == 0, "\(dropped.stdout) \(dropped.stderr)")
        #expect(try dropped.json()["dropped"] as? Bool == true)
        #expect(try !PostgresServer.databaseExists(name))
        if let password = PostgresServer.password(of: server) {
            #expect(!dropped.stdout.contains(password) && !dropped.stderr.contains(password))
        }

        #expect(try workspace.run("create", environment: env).exitCode == 0)
        let restored = try workspace.run("restore", "latest", "--yes", "--no-safety-snapshot", environment: env)
        #expect(restored.exitCode == 0, "\(restored.stderr)")
        let status = try workspace.run("status", "--exit-code", environment: env)
        #expect(status.exitCode == 0, "every migration applied again: \(status.stdout) \(status.stderr)")

        let again = try workspace.run("drop", "--yes", "--no-snapshot", environment: env)
        #expect(again.exitCode == 0)
        let missing = try workspace.run("drop", "--yes", "--format", "json", environment: env)
        #expect(missing.exitCode == 0, "\(missing.stderr)")
        #expect(try missing.json()["dropped"] as? Bool == false)
    }
}
