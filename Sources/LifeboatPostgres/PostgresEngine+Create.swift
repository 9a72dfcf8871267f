import Foundation
import LifeboatCore

extension PostgresEngine {
    /// `lifeboat create` on PostgreSQL: `CREATE DATABASE` through the server's `postgres`
    /// database, since the target itself cannot be connected to before it exists.
    /// - Returns: true when the database was created, false when it already existed (also when
    ///   another session created it between the check and the statement).
    /// - Throws: `EngineError.cannotOpen` (exit 2) when the server refuses; no password in it.
    public static func createDatabase(_ url: DatabaseURL, options: EngineOptions) throws -> Bool {
        let target = connectionParameters(for: url)
        guard let name = target.last(where: { $0.0 == "dbname" })?.1 ?? target.last(where: { $0.0 == "user" })?.1 else {
            throw ConfigurationError.badDatabaseURL(redacted: url.redacted, reason: "it names no database to create")
        }
        let connection = try maintenanceConnection(for: url, options: options)
        defer { connection.close() }
        do {
            let existing = try connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])
            if !existing.rows.isEmpty { return false }
            let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            _ = try connection.execute("CREATE DATABASE \(quoted)")
            return true
        } catch {
            if case .server(let serverError) = error, serverError.sqlState == "42P04" { return false }
            throw EngineError.cannotOpen(database: describeTarget(target),
                                         reason: scrub(oneLine(error.description), secrets: secrets(in: target)))
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
            return try PostgresConnection(parameters: parameters, onNotice: options.log)
        } catch {
            throw EngineError.cannotOpen(database: describeTarget(parameters),
                                         reason: scrub(oneLine(error.description), secrets: secrets(in: parameters)))
        }
    }
}
