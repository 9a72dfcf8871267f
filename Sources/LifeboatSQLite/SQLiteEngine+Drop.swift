import Foundation
import LifeboatCore

extension SQLiteEngine {
    /// The files that make up a SQLite database besides the main one: a write-ahead log, its
    /// shared-memory index and a rollback journal. Left behind, a stale `-wal` would be replayed
    /// into a new file of the same name.
    static let companionSuffixes = ["-wal", "-shm", "-journal"]

    /// Whether the database file exists (`lifeboat drop` snapshots it first only then).
    public static func databaseExists(_ url: DatabaseURL) throws -> Bool {
        FileManager.default.fileExists(atPath: try path(of: url))
    }

    /// `lifeboat drop` on SQLite: removes the file and its companions. The run lock's
    /// `<path>.lock` stays, as it does after every run (it holds no data).
    /// - Returns: false when there was no file.
    /// - Throws: `EngineError.cannotOpen` (exit 2) when a file cannot be removed.
    public static func dropDatabase(_ url: DatabaseURL) throws -> Bool {
        let path = try path(of: url)
        let existed = FileManager.default.fileExists(atPath: path)
        for file in [path] + companionSuffixes.map({ path + $0 }) where FileManager.default.fileExists(atPath: file) {
            if unlink(file) != 0 {
                throw EngineError.cannotOpen(database: url.redacted,
                                             reason: "cannot remove \(file): \(String(cString: strerror(errno)))")
            }
        }
        return existed
    }

    static func path(of url: DatabaseURL) throws -> String {
        guard let path = url.path else { throw EngineError.cannotOpen(database: url.redacted, reason: "not a SQLite URL") }
        return path
    }
}
