import Foundation
import LifeboatCSQLite
import LifeboatCore

/// The SQLite engine: one connection to a database file through libsqlite3's C API.
///
/// Snapshots go through the online backup API so they are consistent while other connections
/// write; restores come back through it too, so open connections see the restored database.
public final class SQLiteEngine: DatabaseEngine {
    public let url: DatabaseURL
    public var kind: DatabaseURL.Engine { .sqlite }
    public var snapshotExtension: String { "sqlite" }
    /// The database file's absolute path.
    public let path: String

    let connection: SQLiteConnection
    let options: EngineOptions
    /// The open `<path>.lock` file while the run lock is held.
    var lockDescriptor: Int32 = -1

    /// Opens the database at the URL's path, creating the file and its folder when needed.
    /// - Throws: `EngineError.cannotOpen` when the folder or the file cannot be created or opened.
    public static func open(_ url: DatabaseURL, options: EngineOptions = EngineOptions()) throws -> SQLiteEngine {
        guard url.engine == .sqlite, let path = url.path else {
            throw EngineError.cannotOpen(database: url.redacted, reason: "not a SQLite URL")
        }
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw EngineError.cannotOpen(database: path, reason: "cannot create its folder \(folder): \(error.localizedDescription)")
        }
        return try SQLiteEngine(url: url, path: path, options: options)
    }

    init(url: DatabaseURL, path: String, options: EngineOptions) throws {
        self.url = url
        self.path = path
        self.options = options
        connection = try SQLiteConnection(path: path)
    }

    deinit { try? unlock() }

    /// Releases the run lock and closes the connection, as the protocol says: `close()` used to
    /// release only the lock and leave the database open until the engine was freed.
    public func close() {
        try? unlock()
        connection.close()
    }

    public func versionInfo() throws -> [String: String] {
        ["sqlite_version": String(cString: sqlite3_libversion())]
    }

    // MARK: - Transactions and SQL

    public func begin() throws { try connection.exec("BEGIN IMMEDIATE") }
    public func commit() throws { try connection.exec("COMMIT") }
    public func rollback() throws {
        // After some errors SQLite has already rolled back; that is not a failure of ours.
        if sqlite3_get_autocommit(connection.handle) == 0 { try connection.exec("ROLLBACK") }
    }

    public func execute(_ script: SQLScript) throws {
        try forEachStatement(in: script) { statement, _ in
            while try statement.step() {}
        }
    }

    public func evaluateAssertion(_ script: SQLScript) throws -> Bool {
        var result = true
        try forEachStatement(in: script) { statement, _ in
            if statement.columnCount == 0 {
                while try statement.step() {}
                return
            }
            let truthy = try statement.step() && statement.firstColumnIsTrue()
            while try statement.step() {}
            if !truthy { result = false }
        }
        return result
    }

    /// Prepares and hands over each statement of `script` in turn, mapping any error to the
    /// statement and its line in the migration file.
    private func forEachStatement(in script: SQLScript, _ body: (SQLiteStatement, Int) throws -> Void) throws {
        let bytes = Array(script.text.utf8) + [0]
        try bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var offset = 0
            let end = buffer.count - 1
            while offset < end {
                var stmt: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                // The length includes the terminating NUL: given a length without it, SQLite copies
                // the whole remaining text before preparing each statement, which made a file of n
                // statements take time in n². Clamped to what one call may take (a statement longer
                // than 2 GB is refused by SQLite's own limit anyway).
                let length = Int32(clamping: end - offset + 1)
                let rc = sqlite3_prepare_v2(connection.handle, base + offset, length, &stmt, &tail)
                let next = tail.map { $0 - base } ?? end
                let statementText = String(decoding: buffer[offset..<max(offset, min(next, end))], as: UTF8.self)
                func failure(_ message: String, code: Int32?) -> EngineError {
                    let remaining = rc == SQLITE_OK ? statementText : String(decoding: buffer[offset..<end], as: UTF8.self)
                    let piece = SQLScript(remaining, file: script.file, firstLine: script.line(atUTF8Offset: offset))
                    let shown = rc == SQLITE_OK ? statementText : String(remaining.prefix(while: { $0 != ";" }))
                    return EngineError.statementFailed(message: message, file: script.file, line: piece.firstStatementLine,
                                                       statement: shown.trimmingCharacters(in: .whitespacesAndNewlines),
                                                       code: code.map { .sqlite($0) })
                }
                guard rc == SQLITE_OK else { throw failure(connection.errorMessage, code: connection.extendedCode) }
                guard let stmt else {
                    // Only white space or comments; a NUL stops SQLite where it is, so never loop on it.
                    guard next > offset else { throw failure("a NUL byte at byte \(offset) of the SQL text; the rest would not run", code: nil) }
                    offset = next
                    continue
                }
                let statement = SQLiteStatement(stmt, connection: connection)
                do {
                    try body(statement, offset)
                } catch EngineError.database(.sqlite(let code), let message) {
                    throw failure(message, code: code)
                }
                offset = next
            }
        }
    }
}
