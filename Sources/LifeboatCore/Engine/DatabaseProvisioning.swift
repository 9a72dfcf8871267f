import Foundation

/// What an engine factory does besides opening a database: making one (`lifeboat create`) and
/// checking that its server answers (`lifeboat wait`).
///
/// A separate protocol from `DatabaseEngineFactory`, so an application's own factory that only
/// opens databases keeps compiling; the commands that need it say so when a factory lacks it.
public protocol DatabaseProvisioning: DatabaseEngineFactory {
    /// Creates the database `url` names when it does not exist.
    /// - Returns: true when it was created, false when it already existed.
    /// - Throws: `EngineError.cannotOpen` (exit 2) when the server cannot be reached or refuses.
    func createDatabase(_ url: DatabaseURL, options: EngineOptions) throws -> Bool

    /// Connects to the server `url` names and disconnects at once (SQLite: nothing to reach).
    /// - Throws: `EngineError.cannotOpen` (exit 2) with the server's or libpq's reason.
    func ping(_ url: DatabaseURL, options: EngineOptions) throws
}
