import EngineConformance
import Foundation
import TestSupport
import LifeboatKit
@testable import LifeboatPostgres

/// Fresh databases on the test server (`LIFEBOAT_TEST_POSTGRES_URL`): each one a new
/// `lifeboat_conf_<random>`, dropped afterwards. The fingerprint is what a person comparing two
/// databases would look at: `pg_dump --schema-only` (owners and privileges included, only the
/// version and `\restrict` lines removed), then every user table's rows in order and every
/// sequence's state.
struct PostgresConformanceEngine: ConformanceEngine {
    var name: String { "postgres" }

    /// Throws `PostgresTestEnvironment.Missing` without a server, so under `CI=true` the tests fail.
    func makeDatabase() throws -> ConformanceDatabase { try PostgresConformanceDatabase() }
}

final class PostgresConformanceDatabase: ConformanceDatabase {
    let name: String
    let url: String
    private let base: DatabaseURL
    private let databaseURL: DatabaseURL
    /// Opened on first use; an idle session holds no locks, so restores and `DROP … (FORCE)` pass.
    private var connection: PostgresConnection?

    init() throws {
        base = try PostgresTestEnvironment.requireURL()
        let name = "lifeboat_conf_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try Self.admin(base) { try $0.execute("CREATE DATABASE \(name)") }
        self.name = name
        var components = URLComponents(string: base.original)!
        components.percentEncodedPath = "/" + name
        url = components.string!
        databaseURL = try DatabaseURL(url)
    }

    // MARK: - ConformanceDatabase

    func execute(_ sql: String) throws {
        try session().execute(sql)
    }

    func query(_ sql: String) throws -> [[String?]] {
        try session().execute(sql).rows
    }

    func fingerprint() throws -> String {
        var text = Self.normalise(try schemaDump())
        let session = try session()
        let tables = try session.execute("""
            SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg_toast%'
            ORDER BY 1
            """).rows.compactMap { $0.first ?? nil }
        for table in tables {
            text += "\n-- rows of \(table)\n"
            // Ordered by the row's text form: a total order whatever the columns.
            for row in try session.execute("SELECT t.* FROM \(table) t ORDER BY t::text COLLATE \"C\"").rows {
                text += row.map { $0 ?? "\\N" }.joined(separator: "\t") + "\n"
            }
        }
        let sequences = try session.execute("""
            SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            ORDER BY 1
            """).rows.compactMap { $0.first ?? nil }
        for sequence in sequences {
            let row = try session.execute("SELECT last_value, is_called FROM \(sequence)").rows.first ?? []
            text += "\n-- sequence \(sequence): " + row.map { $0 ?? "\\N" }.joined(separator: " ") + "\n"
        }
        return text
    }

    func drop() {
        connection?.close()
        connection = nil
        try? Self.admin(base) { try $0.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    }

    // MARK: - Pieces

    private func session() throws -> PostgresConnection {
        if let connection, connection.isOpen { return connection }
        let opened = try PostgresConnection(parameters: PostgresEngine.connectionParameters(for: databaseURL),
                                            onNotice: { _ in })
        connection = opened
        return opened
    }

    private static func admin(_ url: DatabaseURL, _ body: (PostgresConnection) throws -> Void) throws {
        let connection = try PostgresConnection(parameters: PostgresEngine.connectionParameters(for: url),
                                                onNotice: { _ in })
        defer { connection.close() }
        try body(connection)
    }

    /// `pg_dump --schema-only` of this database, run independently of the engine, the password in
    /// the environment (a test server's throwaway password).
    private func schemaDump() throws -> String {
        let bin = PostgresTestEnvironment.binDirectory.map { $0 + "/pg_dump" } ?? "pg_dump"
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["PGHOST"] = databaseURL.host ?? "localhost"
        environment["PGPORT"] = databaseURL.port.map(String.init) ?? "5432"
        environment["PGUSER"] = databaseURL.user
        environment["PGPASSWORD"] = databaseURL.password
        environment["PGDATABASE"] = name
        let result = try ChildProcess.tool(bin, ["--schema-only", "--no-password", "--encoding=UTF8"], environment: environment)
        guard result.exitCode == 0 else {
            throw PostgresConformanceFailure(description: "pg_dump failed: \(result.stderr)")
        }
        return result.stdout
    }

    /// Without the lines that differ between two dumps of the same database.
    static func normalise(_ dump: String) -> String {
        let volatile = ["-- Dumped from database version", "-- Dumped by pg_dump version", "\\restrict", "\\unrestrict"]
        return dump.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !volatile.contains { line.hasPrefix($0) } }
            .joined(separator: "\n")
    }
}

struct PostgresConformanceFailure: Error, CustomStringConvertible {
    let description: String
}
