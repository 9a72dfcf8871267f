import Foundation
@testable import LifeboatPostgres
import Testing

/// Issue 11: a `PGSSLMODE` (or another libpq variable) in the environment applied to the engine's
/// connection, whose libpq reads it, but not to `pg_dump`, whose environment was built from the URL
/// alone; now both connect alike, and the URL still wins over the environment as it does in libpq.
@Suite("pg_dump's environment carries the connection's libpq variables")
struct ClientEnvironmentSSLModeTests {
    private func variables(parameters: [(String, String)], inherited: [String: String]) throws -> [String: String] {
        try withScratchFolder { scratch in
            let environment = try PostgresClientEnvironment(
                host: "db", port: "5432", user: "app", database: "prod", password: nil,
                parameters: parameters, applicationName: "lifeboat", scratch: scratch, inherited: inherited)
            defer { environment.cleanUp() }
            return environment.variables
        }
    }

    @Test("PGSSLMODE and PGSSLROOTCERT from the environment reach pg_dump; PGPASSWORD does not")
    func environmentReachesChild() throws {
        let variables = try variables(parameters: [], inherited: [
            "PGSSLMODE": "require", "PGSSLROOTCERT": "/etc/ca.pem", "PGPASSWORD": "secret", "PGPASSFILE": "/home/x/.pgpass",
        ])
        #expect(variables["PGSSLMODE"] == "require")
        #expect(variables["PGSSLROOTCERT"] == "/etc/ca.pem")
        #expect(variables["PGPASSWORD"] == nil)
        #expect(variables["PGPASSFILE"] == "/dev/null")
    }

    @Test("the URL's sslmode wins over PGSSLMODE, as it does for the connection")
    func urlWins() throws {
        let variables = try variables(parameters: [("sslmode", "disable")], inherited: ["PGSSLMODE": "require"])
        #expect(variables["PGSSLMODE"] == "disable")
    }
}
