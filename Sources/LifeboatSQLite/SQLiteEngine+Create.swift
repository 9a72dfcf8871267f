import Foundation
import LifeboatCore

extension SQLiteEngine {
    /// `lifeboat create` on SQLite: the database file and its folder, when the file is missing.
    /// Opening creates both (an empty file is an empty database); an existing file is not opened.
    /// - Returns: true when the file was created.
    public static func createDatabase(_ url: DatabaseURL, options: EngineOptions) throws -> Bool {
        guard let path = url.path else {
            throw EngineError.cannotOpen(database: url.redacted, reason: "not a SQLite URL")
        }
        if FileManager.default.fileExists(atPath: path) { return false }
        try open(url, options: options).close()
        return true
    }
}
