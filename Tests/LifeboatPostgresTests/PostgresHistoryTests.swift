import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

@Suite("History table", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresHistoryTests {
    func record(_ version: String, status: HistoryRecord.Status = .applied, snapshot: String? = nil) -> HistoryRecord {
        HistoryRecord(version: version, description: "step_\(version)", checksum: String(repeating: "a", count: 64),
                      status: status, appliedAt: "2026-11-21T09:30:00.123Z", executionMs: 42,
                      appliedBy: "deploy@host", snapshotID: snapshot)
    }

    @Test("reading before the table exists gives no rows and creates nothing")
    func readBeforeCreate() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            let table = try HistoryTable()
            #expect(try engine.readHistory(table).isEmpty)
            #expect(try engine.value("SELECT to_regclass('lifeboat_history') IS NULL") == "t")
        }
    }

    @Test("create, insert, read, update checksum, delete")
    func roundTrip() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            let table = try HistoryTable()
            try engine.ensureHistoryTable(table)
            try engine.ensureHistoryTable(table)  // twice is fine
            let first = record("0001", snapshot: "20261121T093000000Z-empty")
            let second = record("0002", status: .failed)
            try engine.insertHistory(first, into: table)
            try engine.insertHistory(second, into: table)
            #expect(try engine.readHistory(table) == [first, second])

            try engine.updateHistoryChecksum(version: "0002", checksum: "b", in: table)
            #expect(try engine.readHistory(table).last?.checksum == "b")

            try engine.deleteHistory(version: "0001", from: table)
            #expect(try engine.readHistory(table).map(\.version) == ["0002"])
            // A duplicate version is refused by the primary key.
            #expect(throws: EngineError.self) { try engine.insertHistory(self.record("0002"), into: table) }
        }
    }

    @Test("the columns are exactly the SPEC's")
    func columns() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            try engine.ensureHistoryTable(try HistoryTable())
            let columns = try engine.rows("""
                SELECT column_name, data_type, is_nullable FROM information_schema.columns
                WHERE table_name = 'lifeboat_history' ORDER BY ordinal_position
                """)
            #expect(columns.map { $0[0] } == ["version", "description", "checksum", "status", "applied_at",
                                              "execution_ms", "applied_by", "snapshot_id"])
            #expect(columns.last?[2] == "YES")
            #expect(try engine.value("""
                SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = 'lifeboat_history'::regclass AND i.indisprimary
                """) == "version")
        }
    }

    @Test("versions are ordered numerically")
    func numericOrder() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            let table = try HistoryTable()
            try engine.ensureHistoryTable(table)
            for version in ["10", "2", "20261121093000", "0003", "1"] {
                try engine.insertHistory(record(version), into: table)
            }
            #expect(try engine.readHistory(table).map(\.version) == ["1", "2", "0003", "10", "20261121093000"])
        }
    }

    @Test("a mixed-case or reserved name is quoted and kept as written, in the current schema")
    func quotedName() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            try engine.execute(SQLScript("CREATE SCHEMA app; SET search_path = app"))
            let table = try HistoryTable("Order")
            try engine.ensureHistoryTable(table)
            try engine.insertHistory(record("1"), into: table)
            #expect(try engine.readHistory(table).count == 1)
            #expect(try engine.value("SELECT to_regclass('app.\"Order\"') IS NOT NULL") == "t")
            #expect(try engine.value("SELECT to_regclass('public.\"Order\"') IS NULL") == "t")
        }
    }
}
