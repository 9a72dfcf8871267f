import Foundation
import LifeboatCore

extension SQLiteEngine {
    public var rehearsesNoTransactionMigrations: Bool { true }
    public var rehearsesOnACopy: Bool { true }

    /// Rehearses on a copy made with the backup API in `scratch`; the copy is deleted afterwards,
    /// whatever happens, and the target is only read. The copy is created 0600 before SQLite
    /// opens it (its journal gets the same mode): it is the whole database.
    public func rehearse<T>(scratch: URL, _ body: (DatabaseEngine) throws -> T) throws -> T {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let path = scratch.appendingPathComponent("rehearsal-\(UUID().uuidString).sqlite").path
        defer { Self.removeDatabaseFiles(path) }
        try PrivateFile.create(path)
        let copy = try SQLiteEngine(url: try DatabaseURL("sqlite:" + path), path: path, options: options)
        defer { copy.close() }
        try copy.connection.copy(from: connection)
        return try body(copy)
    }
}
