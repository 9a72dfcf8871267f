import Foundation
import LifeboatKit
@testable import LifeboatSQLite
import Testing

/// A NUL byte in SQL text handed to the engine is an error, never an endless loop (SQLite's prepare
/// stops at the NUL without moving on) nor half a script (issue 10, item A; the catalog refuses such
/// files first, this is the engine's own guard).
@Suite struct SQLiteNulByteTests {
    @Test(.timeLimit(.minutes(1)))
    func scriptWithANulByteFailsAfterTheStatementsBeforeIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-nul-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let engine = try SQLiteEngine.open(try DatabaseURL("sqlite:" + folder.appendingPathComponent("a.sqlite").path))
        defer { engine.close() }
        try engine.begin()
        let error = #expect(throws: EngineError.self) {
            try engine.execute(SQLScript("CREATE TABLE before_nul (id INTEGER);\n\u{0}CREATE TABLE after_nul (id INTEGER);", file: "m/0001_x.sql"))
        }
        try engine.rollback()
        #expect(error?.description.contains("NUL") == true, "\(String(describing: error))")
        #expect(error?.description.contains("m/0001_x.sql:2") == true, "\(String(describing: error))")
    }
}
