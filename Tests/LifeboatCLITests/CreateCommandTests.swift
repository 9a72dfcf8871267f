import Foundation
import Testing

/// SPEC v2 `lifeboat create`: makes the target database when it is missing, exit 0 when it exists.
@Suite struct CreateCommandTests {
    @Test func sqliteCreatesTheFileAndItsFolder() throws {
        let workspace = try Workspace()
        let first = try workspace.run("create", "-d", "sqlite:data/deep/new.sqlite", "--format", "json")
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(try first.json()["created"] as? Bool == true)
        #expect(workspace.exists("data/deep/new.sqlite"))
        let again = try workspace.run("-d", "sqlite:data/deep/new.sqlite", "create")
        #expect(again.exitCode == 0)
        #expect(again.stdout.contains("already exists"), "\(again.stdout)")
        #expect(try workspace.run("migrate", "-d", "sqlite:data/deep/new.sqlite").exitCode == 0)
    }

    @Test(.enabled(if: PostgresServer.url != nil || PostgresServer.isCI))
    func postgresCreatesTheDatabaseThroughThePostgresDatabase() throws {
        let server = try PostgresServer.requireURL()
        let name = "lifeboat_create_" + UUID().uuidString.prefix(8).lowercased()
        let target = try PostgresServer.url(server, database: name)
        defer { _ = try? PostgresServer.psql(server, "DROP DATABASE IF EXISTS \(name)") }
        let workspace = try Workspace()
        let first = try workspace.run("create", "--format", "json", environment: ["DATABASE_URL": target])
        #expect(first.exitCode == 0, "\(first.stdout) \(first.stderr)")
        #expect(try first.json()["created"] as? Bool == true)
        #expect(try PostgresServer.psql(server, "SELECT count(*) FROM pg_database WHERE datname = '\(name)'")
            .trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        let again = try workspace.run("create", environment: ["DATABASE_URL": target])
        #expect(again.exitCode == 0)
        #expect(again.stdout.contains("already exists"))
        #expect(try workspace.run("migrate", environment: ["DATABASE_URL": target]).exitCode == 0)
        if let password = PostgresServer.password(of: server) {
            #expect(!first.stdout.contains(password) && !again.stdout.contains(password))
        }
    }

    @Test func anUnreachableServerIsAUsageErrorWithoutThePassword() throws {
        let workspace = try Workspace()
        let result = try workspace.run("create", "-d", "postgres://app:hunter2@127.0.0.1:1/appdb")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("127.0.0.1"), "\(result.stderr)")
        #expect(!result.stdout.contains("hunter2") && !result.stderr.contains("hunter2"))
    }
}
