import LifeboatKit
import LifeboatPostgres

/// Opens `postgres://` URLs with the PostgreSQL engine.
enum PostgresEngineOpener {
    static func open(_ url: DatabaseURL, options: EngineOptions) throws -> DatabaseEngine {
        try PostgresEngine.open(url, options: options)
    }
}
