import Foundation

/// What an engine factory does besides opening a database: making one (`lifeboat create`),
/// removing one (`lifeboat drop`) and checking that its server answers (`lifeboat wait`).
///
/// A separate protocol from `DatabaseEngineFactory`, so an application's own factory that only
/// opens databases keeps compiling; the commands that need it say so when a factory lacks it.
public protocol DatabaseProvisioning: DatabaseEngineFactory {
    /// Creates the database `url` names when it does not exist.
    /// - Returns: true when it was created, false when it already existed.
    /// - Throws: `EngineError.cannotOpen` (exit 2) when the server cannot be reached or refuses.
    func createDatabase(_ url: DatabaseURL, options: EngineOptions) throws -> Bool

    /// Whether the database `url` names exists (SQLite: the file; PostgreSQL: asked of the
    /// server's `postgres` database, since the target cannot be connected to when it is missing).
    /// - Throws: `EngineError.cannotOpen` (exit 2) when the server cannot be reached or refuses.
    func databaseExists(_ url: DatabaseURL, options: EngineOptions) throws -> Bool

    /// Removes the database `url` names (SQLite: the file and its `-wal`, `-shm`, `-journal`
    /// companions; PostgreSQL: `DROP DATABASE`, ending other sessions where the server allows).
    /// - Returns: true when it was dropped, false when it did not exist.
    /// - Throws: `EngineError.cannotOpen` (exit 2) when the server refuses.
    func dropDatabase(_ url: DatabaseURL, options: EngineOptions) throws -> Bool

    /// Connects to the server `url` names and disconnects at once (SQLite: nothing to reach).
    /// - Throws: `EngineError.cannotOpen` (exit 2) with the server's or libpq's reason.
    func ping(_ url: DatabaseURL, options: EngineOptions) throws
}
