import LifeboatKit
import LifeboatPostgres

// Placeholder until the PostgreSQL engine lands.
enum PostgresEngineOpener {
    static func open(_ url: DatabaseURL, options: EngineOptions) throws -> DatabaseEngine {
        throw EngineError.cannotOpen(database: url.redacted, reason: "PostgreSQL is not supported yet")
    }
}
