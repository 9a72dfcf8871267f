import Foundation
import Testing

/// A fleet of SQLite tenants in a scratch folder (`tenants/tN.sqlite`, each with `items(x)`), two
/// migrations, and a targets file: one tenant has duplicate `x`, so its 0002 (a unique index) fails
/// after 0001 committed — it is restored from its snapshot.
final class TenantFleet {
    let workspace: Workspace
    let count: Int

    init(count: Int = 6, failing: Set<Int> = []) throws {
        workspace = try Workspace(exampleMigrations: false)
        self.count = count
        try workspace.write("migrations/0001_add_y.sql", "-- lifeboat:up\nALTER TABLE items ADD COLUMN y INTEGER;\n")
        try workspace.write("migrations/0002_unique_x.sql", "-- lifeboat:up\nCREATE UNIQUE INDEX items_x ON items(x);\n")
        try FileManager.default.createDirectory(atPath: workspace.path("tenants"), withIntermediateDirectories: true)
        for tenant in 1...count {
            let rows = failing.contains(tenant) ? "(1),(2),(1)" : "(1),(2)"
            try sqlite(tenant, "CREATE TABLE items(x INTEGER); INSERT INTO items VALUES \(rows);")
        }
        try workspace.write("targets.txt", "# every tenant\n\nsqlite:tenants/*.sqlite\n")
    }

    func file(_ tenant: Int) -> String { workspace.path("tenants/t\(tenant).sqlite") }

    @discardableResult
    func sqlite(_ tenant: Int, _ sql: String) throws -> String {
        try Shell.run("sqlite3", [file(tenant), sql])
    }

    func dump(_ tenant: Int) throws -> String { try sqlite(tenant, ".dump") }

    /// The tenant's applied version, nil when Lifeboat never touched it.
    func version(_ tenant: Int) throws -> String? {
        let tables = try sqlite(tenant, "SELECT name FROM sqlite_master WHERE name = 'lifeboat_history'")
        guard !tables.isEmpty else { return nil }
        let version = try sqlite(tenant, "SELECT max(version) FROM lifeboat_history WHERE status = 'applied'")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return version.isEmpty ? nil : version
    }

    /// The databases the backups folder holds snapshots of, by manifest.
    func snapshotDatabases() throws -> [String] {
        let folder = workspace.path("backups")
        guard FileManager.default.fileExists(atPath: folder) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.map { name in
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
            return try #require((object as? [String: Any])?["database"] as? String)
        }
    }

    func run(_ arguments: String...) throws -> LifeboatBinary.Result {
        try LifeboatBinary.run(Array(arguments), in: workspace.root)
    }

    /// The fleet JSON's targets: status and exit code by redacted URL, in file order.
    static func statuses(_ json: [String: Any]) throws -> [(url: String, status: String, exitCode: Int?)] {
        let targets = try #require(json["targets"] as? [[String: Any]])
        return try targets.map { (try #require($0["url"] as? String), try #require($0["status"] as? String), $0["exit_code"] as? Int) }
    }
}
