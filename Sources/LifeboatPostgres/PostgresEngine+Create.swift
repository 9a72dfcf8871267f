import Foundation
import LifeboatCore

extension PostgresEngine {
    /// `lifeboat create` on PostgreSQL: `CREATE DATABASE` through the server's `postgres`
    /// database, since the target itself cannot be connected to before it exists.
    /// - Returns: true when the database was created, false when it already existed (also when
    ///   another session created it between the check and the statement).
    /// - Throws: `EngineError.cannotOpen` (exit 2) when the server refuses; no password in it.
    public static func createDatabase(_ url: DatabaseURL, options: EngineOptions) throws -> Bool {
        try onMaintenanceConnection(url, options: options) { connection, name, quoted in
            if try exists(name, on: connection) { return false }
            do {
                _ = try connection.execute("CREATE DATABASE \(quoted)")
                return true
            } catch PostgresError.server(let serverError) where serverError.sqlState == "42P04" {
                return false
            }
        }
    }

    /// Whether the database `url` names exists, asked of the server's `postgres` database.
    public static func databaseExists(_ url: DatabaseURL, options: EngineOptions) throws -> Bool {
        try onMaintenanceConnection(url, options: options) { connection, name, _ in try exists(name, on: connection) }
    }

    /// `lifeboat drop` on PostgreSQL: `DROP DATABASE … WITH (FORCE)` (PostgreSQL 13 and later
    /// end the other sessions on it; before 13, plain `DROP DATABASE`, which fails while any
    /// session is connected).
    /// - Returns: false when the database did not exist.
    public static func dropDatabase(_ url: DatabaseURL, options: EngineOptions) throws -> Bool {
        try onMaintenanceConnection(url, options: options) { connection, name, quoted in
            guard try exists(name, on: connection) else { return false }
            let force = connection.serverVersionNumber >= 130_000 ? " WITH (FORCE)" : ""
            do {
                _ = try connection.execute("DROP DATABASE \(quoted)\(force)")
                return true
            } catch PostgresError.server(let serverError) where serverError.sqlState == "3D000" {
                return false
            }
        }
    }

    private static func exists(_ name: String, on connection: PostgresConnection) throws(PostgresError) -> Bool {
        !(try connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]).rows.isEmpty)
    }

    /// Runs `body` on a connection to the server's `postgres` database with the name of the
    /// target database (raw and quoted as an identifier); any failure becomes `cannotOpen`
    /// (exit 2) with no password in it.
    private static func onMaintenanceConnection<T>(
        _ url: DatabaseURL, options: EngineOptions,
        _ body: (PostgresConnection, String, String) throws -> T
    ) throws -> T {
        let target = connectionParameters(for: url)
        guard let name = target.last(where: { $0.0 == "dbname" })?.1 ?? target.last(where: { $0.0 == "user" })?.1 else {
            throw ConfigurationError.badDatabaseURL(redacted: url.redacted, reason: "it names no database")
        }
        let connection = try maintenanceConnection(for: url, options: options)
        defer { connection.close() }
        do {
            return try body(connection, name, "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
        } catch {
            throw EngineError.cannotOpen(database: describeTarget(target),
                                         reason: scrub(oneLine(String(describing: error)), secrets: secrets(in: target)))
        }
    }

    /// `lifeboat wait` on PostgreSQL: one connection to the server's `postgres` database (the
    /// target may not exist yet: `wait`, then `create`, then `migrate`), closed at once.
    public static func ping(_ url: DatabaseURL, options: EngineOptions) throws {
        try maintenanceConnection(for: url, options: options).close()
    }

    /// A connection with the target's host, port, user and settings to the `postgres` database.
    private static func maintenanceConnection(for url: DatabaseURL, options: EngineOptions) throws -> PostgresConnection {
        var parameters = connectionParameters(for: url).filter { $0.0 != "dbname" }
        parameters.append(("dbname", "postgres"))
        do {
            return try PostgresConnection(parameters: GSSEncryptionCheck.applied(to: parameters), onNotice: options.log)
        } catch {
            throw EngineError.cannotOpen(database: describeTarget(parameters),
                                         reason: scrub(oneLine(error.description), secrets: secrets(in: parameters)))
        }
    }
}
