import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// A migration costs two round trips (BEGIN with the up script, the history row with COMMIT): what
/// is deferred must still behave exactly like four separate statements.
@Suite("Fewer round trips, same transactions", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresRoundTripTests {
    static let table = try! HistoryTable("lifeboat_history")

    static func record(_ version: String, description: String = "it's \\ \"quoted\"") -> HistoryRecord {
        HistoryRecord(version: version, description: description, checksum: String(repeating: "a", count: 64),
                      status: .applied, appliedAt: "2026-11-21T09:30:00.123Z", executionMs: 7,
                      appliedBy: "me@host", snapshotID: nil)
    }

    @Test("BEGIN goes with the script and the history row with COMMIT; values round-trip exactly")
    func deferredUntilNeeded() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            let other = try database.open()
            defer { other.close() }
            try engine.ensureHistoryTable(Self.table)

            try engine.begin()
            #expect(engine.connection.transactionState == .idle, "nothing sent yet")
            try engine.execute(SQLScript("CREATE TABLE t (id int)"))
            #expect(engine.connection.transactionState == .inTransaction)
            try engine.insertHistory(Self.record("1"), into: Self.table)
            #expect(try other.value("SELECT count(*) FROM lifeboat_history") == "0")
            try engine.commit()
            #expect(engine.connection.transactionState == .idle)
            #expect(try other.readHistory(Self.table) == [Self.record("1")])
            #expect(try other.value("SELECT to_regclass('t') IS NOT NULL") == "t")

            // Something else in between sends what is pending first, in order.
            try engine.begin()
            try engine.insertHistory(Self.record("2", description: "two"), into: Self.table)
            #expect(try engine.readHistory(Self.table).map(\.version) == ["1", "2"], "its own transaction sees it")
            try engine.rollback()
            #expect(try other.readHistory(Self.table).map(\.version) == ["1"])

            // begin then rollback, or begin then commit, with nothing in between: nothing on the wire.
            try engine.begin()
            try engine.rollback()
            try engine.begin()
            try engine.commit()
            #expect(engine.connection.transactionState == .idle)
        }
    }

    @Test("a history row failing at COMMIT fails the commit, and the rollback takes the migration's changes too")
    func failingRowRollsBackTheMigration() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            try engine.ensureHistoryTable(Self.table)
            try engine.insertHistory(Self.record("1"), into: Self.table)

            try engine.begin()
            try engine.execute(SQLScript("CREATE TABLE t (id int)"))
            try engine.insertHistory(Self.record("1"), into: Self.table)  // duplicate version
            let error = try #require(throws: EngineError.self) { try engine.commit() }
            #expect(error.description.contains("recording the history"))
            #expect(error.description.contains("duplicate key"))
            try engine.rollback()
            #expect(engine.connection.transactionState == .idle)
            #expect(try engine.value("SELECT to_regclass('t') IS NULL") == "t")
            #expect(try engine.readHistory(Self.table).count == 1)
        }
    }

    @Test("errors in a script sent after BEGIN keep their line, and roll back cleanly")
    func errorsAfterBegin() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            // A syntax error: the server runs none of the query string, BEGIN included.
            try engine.begin()
            let syntax = try #require(throws: EngineError.self) {
                try engine.execute(SQLScript("CREATE TABLE a (id int);\n\nCREATE TABLEX b;\n", file: "m.sql", firstLine: 4))
            }
            #expect(syntax.line == 6)
            try engine.rollback()
            #expect(engine.connection.transactionState == .idle)
            #expect(try engine.value("SELECT to_regclass('a') IS NULL") == "t")

            // A run-time error without a position: the failing statement counts past BEGIN.
            try engine.execute(SQLScript("CREATE TABLE u (id int PRIMARY KEY)"))
            try engine.begin()
            let duplicate = try #require(throws: EngineError.self) {
                try engine.execute(SQLScript("INSERT INTO u VALUES (1);\nINSERT INTO u VALUES (2);\nINSERT INTO u VALUES (1);\n",
                                             file: "m.sql", firstLine: 1))
            }
            #expect(duplicate.line == 3)
            #expect(engine.connection.transactionState == .failedTransaction)
            try engine.rollback()
            #expect(try engine.value("SELECT count(*) FROM u") == "0")
        }
    }
}
