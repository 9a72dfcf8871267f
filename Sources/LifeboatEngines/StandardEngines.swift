import LifeboatCore
import LifeboatPostgres
import LifeboatSQLite

/// The engines Lifeboat ships: SQLite for `sqlite:`/`file:` URLs, PostgreSQL for `postgres://`.
public struct StandardEngines: DatabaseProvisioning {
    public init() {}

    /// Starts loading what a PostgreSQL URL on the command line will need (`LibPQWarmUp`) on the
    /// `StartupWorker`, so that it overlaps argument parsing. Call first thing in `main`.
    public static func warmUp(arguments: [String]) {
        guard LibPQWarmUp.isLikelyNeeded(arguments: arguments) else { return }
        LibPQWarmUp.prepareEnvironment()
        StartupWorker.start(warmUp: LibPQWarmUp.load, alongside: LibPQWarmUp.readyOpenSSL)
    }

    public func open(_ url: DatabaseURL, options: EngineOptions) throws -> DatabaseEngine {
        switch url.engine {
        case .sqlite: return try SQLiteEngine.open(url, options: options)
        case .postgres: return try PostgresEngine.open(url, options: options)
        }
    }

    public func createDatabase(_ url: DatabaseURL, options: EngineOptions) throws -> Bool {
        switch url.engine {
        case .sqlite: return try SQLiteEngine.createDatabase(url, options: options)
        case .postgres: return try PostgresEngine.createDatabase(url, options: options)
        }
    }

    public func databaseExists(_ url: DatabaseURL, options: EngineOptions) throws -> Bool {
        switch url.engine {
        case .sqlite: return try SQLiteEngine.databaseExists(url)
        case .postgres: return try PostgresEngine.databaseExists(url, options: options)
        }
    }

    public func dropDatabase(_ url: DatabaseURL, options: EngineOptions) throws -> Bool {
        switch url.engine {
        case .sqlite: return try SQLiteEngine.dropDatabase(url)
        case .postgres: return try PostgresEngine.dropDatabase(url, options: options)
        }
    }

    public func ping(_ url: DatabaseURL, options: EngineOptions) throws {
        // A SQLite file needs no server: there is nothing to wait for.
        if url.engine == .postgres { try PostgresEngine.ping(url, options: options) }
    }
}
