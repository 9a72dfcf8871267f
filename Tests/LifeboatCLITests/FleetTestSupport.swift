import Foundation
import Testing

/// A fleet of SQLite tenants in a scratch folder (`tenants/tN.sqlite`, each with `items(x)`), two
/// migrations, and a targets file: one tenant has duplicate `x`, so its 0002 (a unique index) fails
/// after 0001 committed — it is restored from its snapshot.
final class TenantFleet {
    let workspace: Workspace
    let count: Int

    /// The default migrations: the unique index on `x` (which a failing tenant breaks) comes last.
    static let twoMigrations = [
        "0001_add_y.sql": "-- lifeboat:up\nALTER TABLE items ADD COLUMN y INTEGER;\n",
        "0002_unique_x.sql": "-- lifeboat:up\nCREATE UNIQUE INDEX items_x ON items(x);\n",
    ]

    /// Tenant names are zero-padded to the width of `count` (`t01` … `t50`), so the glob's sorted
    /// order is tenant order and tenant N is at position N - 1.
    init(count: Int = 6, failing: Set<Int> = [], migrations: [String: String] = twoMigrations) throws {
        workspace = try Workspace(exampleMigrations: false)
        self.count = count
        for (name, text) in migrations { try workspace.write("migrations/" + name, text) }
        try FileManager.default.createDirectory(atPath: workspace.path("tenants"), withIntermediateDirectories: true)
        for tenant in stride(from: 1, through: count, by: 1) {
            let rows = failing.contains(tenant) ? "(1),(2),(1)" : "(1),(2)"
            try sqlite(tenant, "CREATE TABLE items(x INTEGER); INSERT INTO items VALUES \(rows);")
        }
        try workspace.write("targets.txt", "# every tenant\n\nsqlite:tenants/*.sqlite\n")
    }

    func file(_ tenant: Int) -> String { workspace.path("tenants/" + name(tenant)) }

    /// `tN.sqlite`, N padded to the width of the fleet's count.
    func name(_ tenant: Int) -> String {
        let number = String(tenant)
        return "t" + String(repeating: "0", count: max(0, String(count).count - number.count)) + number + ".sqlite"
    }

    /// The tenant's redacted URL as the fleet reports it.
    func url(_ tenant: Int) -> String { "sqlite:tenants/" + name(tenant) }

    /// The tenant file's bytes: a skipped tenant's must not change at all.
    func bytes(_ tenant: Int) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: file(tenant))) }

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

extension TenantFleet {
    /// Four migrations in SQL both engines take: the unique index on `x` is 0003, so a tenant with
    /// duplicate `x` fails after 0001 and 0002 committed, and its restore has real work to undo.
    static let fourMigrations = [
        "0001_add_note.sql": "-- lifeboat:up\nALTER TABLE items ADD COLUMN note TEXT;\n",
        "0002_audit.sql": "-- lifeboat:up\nCREATE TABLE audit (item INTEGER);\nINSERT INTO audit SELECT x FROM items;\n",
        "0003_unique_x.sql": "-- lifeboat:up\nCREATE UNIQUE INDEX items_x ON items (x);\n",
        "0004_add_flag.sql": "-- lifeboat:up\nALTER TABLE items ADD COLUMN flag INTEGER NOT NULL DEFAULT 0;\n",
    ]

    /// A fleet JSON target's own report (the single-database envelope), nil for a skipped one.
    static func report(_ json: [String: Any], _ position: Int) throws -> [String: Any]? {
        let targets = try #require(json["targets"] as? [[String: Any]])
        return targets[position]["report"] as? [String: Any]
    }
}
