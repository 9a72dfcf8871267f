import Foundation
import LifeboatCore

/// Scratch databases beside the target on the same server, for `plan --rehearse-on copy`.
extension PostgresEngine: ScratchDatabaseHosting {
    public func mayCreateDatabases() throws -> Bool {
        try run("SELECT (rolcreatedb OR rolsuper)::text FROM pg_roles WHERE rolname = current_user",
                doing: "checking the CREATEDB privilege").firstValue == "true"
    }

    public func createScratchDatabase(named name: String) throws -> DatabaseEngine {
        do {
            // template0: a copy of exactly what the dump holds, not of what template1 gained.
            try run("CREATE DATABASE \(Self.quoted(name)) TEMPLATE template0", doing: "creating the scratch database \(name)")
        } catch {
            throw EngineError.cannotOpen(database: url.redacted, reason: EngineError.wrapping(error).description)
        }
        return try PostgresEngine.open(try scratchURL(name), options: options)
    }

    public func dropScratchDatabase(named name: String) throws {
        // WITH (FORCE) (PostgreSQL 13+) ends a rehearsal still connected to it (a signal handler's drop).
        let force = connection.serverVersionNumber >= 130_000 ? " WITH (FORCE)" : ""
        try run("DROP DATABASE IF EXISTS \(Self.quoted(name))\(force)", doing: "dropping the scratch database \(name)")
    }

    public func databaseNames(startingWith prefix: String) throws -> [String] {
        try run("SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1", [prefix],
                doing: "listing scratch databases").rows.compactMap { $0.first ?? nil }
    }

    /// The target's URL with another database (and no `dbname` parameter, which would win).
    private func scratchURL(_ name: String) throws -> DatabaseURL {
        guard var components = URLComponents(string: url.original) else {
            throw ConfigurationError.badDatabaseURL(redacted: url.redacted, reason: "cannot name a scratch database beside it")
        }
        components.percentEncodedPath = "/" + name
        components.queryItems = components.queryItems?.filter { $0.name != "dbname" }
        if components.queryItems?.isEmpty == true { components.queryItems = nil }
        guard let text = components.string else {
            throw ConfigurationError.badDatabaseURL(redacted: url.redacted, reason: "cannot name a scratch database beside it")
        }
        return try DatabaseURL(text)
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
