import Foundation
import LifeboatCore

extension SQLiteEngine {
    /// `lifeboat create` on SQLite: the database file and its folder, when the file is missing.
    /// Opening creates both (an empty file is an empty database); an existing file is not opened.
    /// - Returns: true when the file was created.
    public static func createDatabase(_ url: DatabaseURL, options: EngineOptions) throws -> Bool {
        if try databaseExists(url) { return false }
        try open(url, options: options).close()
        return true
    }
}
