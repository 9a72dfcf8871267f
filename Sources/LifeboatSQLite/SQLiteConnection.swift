import Foundation
import LifeboatCSQLite
import LifeboatCore

/// The one wrapper over a `sqlite3*` handle: every return code is checked here, and no pointer
/// leaves this module.
final class SQLiteConnection {
    /// nil once `close()` ran.
    private(set) var handle: OpaquePointer?
    let path: String

    /// Opens (creating when missing) the database file at `path`.
    init(path: String, readOnly: Bool = false) throws {
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let reason = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let db { sqlite3_close_v2(db) }
            throw EngineError.cannotOpen(database: path, reason: reason)
        }
        handle = db
        self.path = path
        // Wait for other connections' short write transactions instead of failing at once.
        sqlite3_busy_timeout(db, 10_000)
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { close() }

    /// Closes the handle now (SQLite finishes it once its last statement is finalized); harmless
    /// when done already.
    func close() {
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// SQLite's message, with the operating system's reason after an I/O error ("disk I/O error"
    /// alone hides a full disk or a file-size limit, `EFBIG`).
    var errorMessage: String {
        describe(String(cString: sqlite3_errmsg(handle)), code: sqlite3_errcode(handle))
    }

    /// SQLite's extended result code of the last failed call (extended codes are switched on).
    var extendedCode: Int32 { sqlite3_extended_errcode(handle) }

    /// The typed error for the last failed call: its extended code and `message`.
    func failure(_ message: String) -> EngineError {
        .database(code: .sqlite(extendedCode), message: message)
    }

    /// `message` with the operating system's reason when `code` is an I/O error or a full disk.
    func describe(_ message: String, code: Int32) -> String {
        let system = sqlite3_system_errno(handle)
        let full = code & 0xff == SQLITE_FULL || [EFBIG, ENOSPC, EDQUOT].contains(system)
        guard code & 0xff == SQLITE_IOERR || full else { return message }
        let parts = [system != 0 ? String(cString: strerror(system)) : nil,
                     full ? "free space or raise the file-size limit (ulimit -f)" : nil].compactMap { $0 }
        return parts.isEmpty ? message : "\(message) (\(parts.joined(separator: "; ")))"
    }

    /// Runs SQL that Lifeboat wrote itself (no rows expected); throws with SQLite's message.
    func exec(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? errorMessage
            sqlite3_free(error)
            throw failure("SQLite: \(message) (in: \(sql))")
        }
    }

    /// Prepares one statement (the first in `sql`).
    func prepare(_ sql: String) throws -> SQLiteStatement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            throw failure("SQLite: \(errorMessage) (in: \(sql))")
        }
        return SQLiteStatement(stmt, connection: self)
    }

    /// Rows of text columns for a query Lifeboat wrote itself.
    func query(_ sql: String, bind: [String?] = []) throws -> [[String?]] {
        let statement = try prepare(sql)
        try statement.bind(bind)
        var rows: [[String?]] = []
        while try statement.step() {
            rows.append((0..<statement.columnCount).map { statement.text(at: $0) })
        }
        return rows
    }

    /// Streams the main database's pages, 1 to `page_count`, into `sink` within one read
    /// transaction: the same bytes as a backup-API copy, without writing (and syncing, and deleting)
    /// a scratch copy first. A fleet takes a snapshot per tenant; the copy's file creation and
    /// deletion were a third of the kernel's time.
    ///
    /// Only in a rollback-journal mode: there, under the SHARED lock the read transaction holds,
    /// no writer can touch the file (it needs EXCLUSIVE), and a hot journal has been rolled back,
    /// so the file is the whole, consistent database. In WAL mode committed pages may still be in
    /// the `-wal` file: nil, and the caller copies with the backup API. The pages are read through
    /// SQLite's own file handle: a second `open` of the file, once closed, would drop the POSIX
    /// locks SQLite holds on it.
    /// - Returns: the bytes streamed, or nil when not in a rollback-journal mode, inside a
    ///   transaction already, or empty.
    func streamMainDatabase(into sink: ByteSink) throws -> Int64? {
        guard sqlite3_get_autocommit(handle) != 0 else { return nil }
        try exec("BEGIN DEFERRED")
        defer { try? exec("ROLLBACK") }
        // The first read takes the SHARED lock, kept until ROLLBACK.
        _ = try query("SELECT count(*) FROM sqlite_master")
        func value(_ pragma: String) throws -> String { (try query("PRAGMA main.\(pragma)").first?.first ?? nil) ?? "" }
        guard try value("journal_mode").lowercased() != "wal",
              let pageSize = Int64(try value("page_size")), let pageCount = Int64(try value("page_count")),
              // An empty file has no page to stream; the backup API writes one a restore can read.
              pageCount > 0 else { return nil }
        var file: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite3_file_control(handle, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK,
              let file, let read = file.pointee.pMethods?.pointee.xRead else { return nil }
        let total = pageSize * pageCount
        // Whole pages per read, about 1 MiB.
        let step = max(pageSize, (1 << 20) / pageSize * pageSize)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(step), alignment: 16)
        defer { buffer.deallocate() }
        var offset: Int64 = 0
        while offset < total {
            let count = min(step, total - offset)
            let rc = read(file, buffer.baseAddress, Int32(count), offset)
            guard rc == SQLITE_OK else {
                // A short read means the file is shorter than its page count says: not a copy to keep.
                throw EngineError.database(code: .sqlite(rc), message: "SQLite: reading \(path) at byte \(offset) failed: \(describe(String(cString: sqlite3_errstr(rc)), code: rc))")
            }
            try sink.write(UnsafeRawBufferPointer(rebasing: buffer[0..<Int(count)]))
            offset += count
        }
        return total
    }

    /// Copies the whole of `source`'s main database into this connection's main database with the
    /// online backup API, as one consistent read of the source and one write transaction here.
    func copy(from source: SQLiteConnection) throws {
        guard let backup = sqlite3_backup_init(handle, "main", source.handle, "main") else {
            throw failure("SQLite backup of \(source.path) into \(path) could not start: \(errorMessage)")
        }
        var rc: Int32
        var attempts = 0
        repeat {
            rc = sqlite3_backup_step(backup, -1)
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED {
                attempts += 1
                // Another connection holds a lock; the busy timeout does not apply to backups.
                usleep(10_000)
            }
        } while (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && attempts < 3_000
        let finishRC = sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE, finishRC == SQLITE_OK else {
            let code = rc == SQLITE_DONE ? finishRC : rc
            throw EngineError.database(code: .sqlite(code), message: "SQLite backup of \(source.path) into \(path) failed: \(describe(String(cString: sqlite3_errstr(code)), code: code))")
        }
    }
}

/// A prepared statement; finalized when released.
final class SQLiteStatement {
    let handle: OpaquePointer
    unowned let connection: SQLiteConnection

    init(_ handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    var columnCount: Int { Int(sqlite3_column_count(handle)) }

    func bind(_ values: [String?]) throws {
        for (index, value) in values.enumerated() {
            let rc: Int32
            if let value {
                rc = sqlite3_bind_text(handle, Int32(index + 1), value, -1, lifeboat_sqlite_transient())
            } else {
                rc = sqlite3_bind_null(handle, Int32(index + 1))
            }
            guard rc == SQLITE_OK else { throw connection.failure("SQLite bind: \(connection.errorMessage)") }
        }
    }

    func bind(_ value: Int64, at index: Int) throws {
        guard sqlite3_bind_int64(handle, Int32(index), value) == SQLITE_OK else {
            throw connection.failure("SQLite bind: \(connection.errorMessage)")
        }
    }

    /// Steps once: true when a row is ready, false when done; throws with SQLite's message.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.failure(connection.errorMessage)
        }
    }

    func text(at column: Int) -> String? {
        guard sqlite3_column_type(handle, Int32(column)) != SQLITE_NULL,
              let cString = sqlite3_column_text(handle, Int32(column)) else { return nil }
        return String(cString: cString)
    }

    func int64(at column: Int) -> Int64 { sqlite3_column_int64(handle, Int32(column)) }

    /// Whether column 0 of the current row is "true" in the SPEC's sense: not NULL, not 0, not false.
    func firstColumnIsTrue() -> Bool {
        switch sqlite3_column_type(handle, 0) {
        case SQLITE_NULL: return false
        case SQLITE_INTEGER: return sqlite3_column_int64(handle, 0) != 0
        case SQLITE_FLOAT: return sqlite3_column_double(handle, 0) != 0
        default:
            let text = (text(at: 0) ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            return !["", "0", "false", "f", "no"].contains(text)
        }
    }
}
