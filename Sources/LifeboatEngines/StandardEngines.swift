import LifeboatKit
import LifeboatPostgres
import LifeboatSQLite

/// The engines Lifeboat ships: SQLite for `sqlite:`/`file:` URLs, PostgreSQL for `postgres://`.
public struct StandardEngines: DatabaseEngineFactory {
    public init() {}

    public func open(_ url: DatabaseURL, options: EngineOptions) throws -> DatabaseEngine {
        switch url.engine {
        case .sqlite: return try SQLiteEngine.open(url, options: options)
        case .postgres: return try PostgresEngine.open(url, options: options)
        }
    }
}
