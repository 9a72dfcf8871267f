import Foundation

/// SQLite's file format knowledge, kept in the SQLite engine (it was in the engine-neutral support
/// code).
enum SQLiteHeader {
    /// Whether the file starts with SQLite's 16-byte magic header.
    static func isPresent(in path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        return header == Data("SQLite format 3\0".utf8)
    }
}
