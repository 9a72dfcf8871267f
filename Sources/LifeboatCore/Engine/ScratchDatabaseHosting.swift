/// An engine whose server can hold a scratch database beside the target: `plan --rehearse-on copy`
/// rehearses there instead of on the live database, and `prune` drops what a killed plan left.
///
/// A separate protocol from `DatabaseEngine` (SQLite rehearses on a file copy already; an
/// application's own engine need not offer it); `plan` and `prune` ask `engine as? ScratchDatabaseHosting`.
/// Which name to use, when to drop and what counts as left over is policy, decided in Run.
public protocol ScratchDatabaseHosting: AnyObject {
    /// Whether the connected role may create databases (PostgreSQL: CREATEDB or superuser).
    func mayCreateDatabases() throws -> Bool
    /// Creates the empty database `name` on the target's server and opens it with the target's
    /// user, host and settings.
    /// - Throws: `EngineError.cannotOpen` (exit 2) when the server refuses.
    func createScratchDatabase(named name: String) throws -> DatabaseEngine
    /// Drops the database `name` (closing other sessions on it); harmless when it does not exist.
    func dropScratchDatabase(named name: String) throws
    /// The names of the databases on the server that start with `prefix`.
    func databaseNames(startingWith prefix: String) throws -> [String]
}
