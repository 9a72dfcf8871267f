import Foundation
import LifeboatCSQLite
import LifeboatCore
import LifeboatSQLite
import Testing

/// A rollback-journal database's snapshot streams its pages straight from the file inside one read
/// transaction (no scratch copy: a fleet takes hundreds of snapshots); a WAL database's still goes
/// through the backup API, so pages not yet checkpointed are in it.
@Suite struct SQLiteSnapshotStreamingTests {
    /// Collects what the snapshot writes; `onFirstWrite` runs while the engine is streaming.
    final class CollectingSink: ByteSink {
        var bytes = Data()
        var onFirstWrite: (() -> Void)?

        func write(_ buffer: UnsafeRawBufferPointer) throws {
            if let first = onFirstWrite {
                onFirstWrite = nil
                first()
            }
            bytes.append(contentsOf: buffer)
        }
    }

    /// A scratch folder that does not exist: any scratch file would fail to be created.
    private static let missingScratch = URL(fileURLWithPath: "/nonexistent-lifeboat-scratch-\(UUID().uuidString)")

    @Test func rollbackJournalSnapshotIsTheFileAndNeedsNoScratchFile() throws {
        let database = try SQLiteTestDatabase()
        defer { database.drop() }
        try database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) SELECT hex(randomblob(500)) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600) SELECT i FROM n);")
        let engine = try SQLiteEngine.open(try DatabaseURL(database.url))
        defer { engine.close() }
        let sink = CollectingSink()
        let count = try engine.writeSnapshot(to: sink, scratch: Self.missingScratch)
        let file = try Data(contentsOf: URL(fileURLWithPath: database.path))
        #expect(count == Int64(file.count))
        #expect(sink.bytes == file)
    }

    @Test func noWriterCommitsWhileTheSnapshotStreams() throws {
        let database = try SQLiteTestDatabase()
        defer { database.drop() }
        try database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('before');")
        let engine = try SQLiteEngine.open(try DatabaseURL(database.url))
        defer { engine.close() }
        var writer: OpaquePointer?
        #expect(sqlite3_open(database.path, &writer) == SQLITE_OK)
        defer { sqlite3_close(writer) }
        sqlite3_busy_timeout(writer, 0)
        var writeDuringStream: Int32 = -1
        let sink = CollectingSink()
        sink.onFirstWrite = { writeDuringStream = sqlite3_exec(writer, "INSERT INTO t (v) VALUES ('during')", nil, nil, nil) }
        _ = try engine.writeSnapshot(to: sink, scratch: Self.missingScratch)
        #expect(writeDuringStream == SQLITE_BUSY)
        // Once the snapshot is taken, the lock is gone.
        #expect(sqlite3_exec(writer, "INSERT INTO t (v) VALUES ('after')", nil, nil, nil) == SQLITE_OK)
    }

    @Test func walSnapshotHoldsPagesNotYetCheckpointed() throws {
        let database = try SQLiteTestDatabase()
        defer { database.drop() }
        var keeper: OpaquePointer?
        #expect(sqlite3_open(database.path, &keeper) == SQLITE_OK)
        defer { sqlite3_close(keeper) }
        // Kept open with automatic checkpoints off, so the rows stay in the -wal file.
        #expect(sqlite3_exec(keeper, "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('in the wal');", nil, nil, nil) == SQLITE_OK)
        let scratch = database.folder.appendingPathComponent("scratch")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let engine = try SQLiteEngine.open(try DatabaseURL(database.url))
        defer { engine.close() }
        let sink = CollectingSink()
        _ = try engine.writeSnapshot(to: sink, scratch: scratch)
        let copy = database.folder.appendingPathComponent("copy.sqlite")
        try sink.bytes.write(to: copy)
        let rows = try SQLiteShell.run([copy.path, "SELECT v FROM t"])
        #expect(rows == "in the wal\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }
}
