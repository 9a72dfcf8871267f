import Foundation
import Testing

/// A fleet mixing SQLite tenants and two PostgreSQL databases on the test server: each engine's
/// target takes its own snapshot, the failing PostgreSQL database is restored, the others migrate,
/// and no password reaches the output. Under CI=true a missing server fails the test.
@Suite struct FleetMixedEngineTests {
    @Test(.enabled(if: PostgresServer.url != nil || PostgresServer.isCI))
    func mixedFleetMigratesBothEnginesAndRestoresTheFailingDatabase() throws {
        let server = try PostgresServer.requireURL()
        let fleet = try TenantFleet(count: 2)
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        let names = ["lifeboat_fleet_a_\(suffix)", "lifeboat_fleet_b_\(suffix)"]
        defer { for name in names { _ = try? PostgresServer.psql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") } }
        var urls: [String] = []
        for (index, name) in names.enumerated() {
            try PostgresServer.psql(server, "CREATE DATABASE \(name)")
            let url = try PostgresServer.url(server, database: name)
            try PostgresServer.psql(url, "CREATE TABLE items (x INTEGER); INSERT INTO items VALUES \(index == 1 ? "(1),(2),(1)" : "(1),(2)")")
            urls.append(url)
        }
        try fleet.workspace.write("targets.txt", "sqlite:tenants/*.sqlite\n# the PostgreSQL tenants\n" + urls.joined(separator: "\n") + "\n")
        let result = try LifeboatBinary.run(["migrate", "--targets", "targets.txt", "--parallel", "2", "--max-failures", "10", "--format", "json"],
                                            in: fleet.workspace.root, environment: ["LIFEBOAT_PG_BIN": PostgresServer.binDirectory ?? ""])
        #expect(result.exitCode == 1, "\(result.stderr)")
        let statuses = try TenantFleet.statuses(result.json())
        #expect(statuses.map(\.status) == ["ok", "ok", "ok", "failed"], "\(result.stdout)")
        if let password = PostgresServer.password(of: server), !password.isEmpty {
            #expect(!(result.stdout + result.stderr).contains(password))
        }
        #expect(try (1...2).map(fleet.version) == ["0002", "0002"])
        func query(_ url: String, _ sql: String) throws -> String {
            try PostgresServer.psql(url, sql).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try query(urls[0], "SELECT max(version) FROM lifeboat_history WHERE status = 'applied'") == "0002")
        // The failing database is as before: three rows, no column y, no history table.
        #expect(try query(urls[1], "SELECT count(*) FROM items") == "3")
        #expect(try query(urls[1], "SELECT count(*) FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'y'") == "0")
        #expect(try query(urls[1], "SELECT to_regclass('lifeboat_history') IS NULL") == "t")
        // Four snapshots in the one store, one per database.
        #expect(Set(try fleet.snapshotDatabases()).count == 4)
    }
}
