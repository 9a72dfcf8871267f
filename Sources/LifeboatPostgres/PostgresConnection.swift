import Foundation
import LifeboatCLibPQ
import LifeboatCore

/// An error the server reported, with libpq's diagnostic fields kept apart so callers can point
/// at a position in the SQL and show the detail and hint.
struct PostgresServerError: Error, Sendable, CustomStringConvertible {
    var severity: String?
    var sqlState: String?
    /// The primary message, without severity prefix.
    var message: String
    var detail: String?
    var hint: String?
    /// 1-based character position in the query string, when the server gave one.
    var position: Int?
    var context: String?

    /// Primary message with detail and hint, one per line, as a user should see it.
    var description: String {
        var text = message
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let detail, !detail.isEmpty { text += "\nDETAIL: \(detail)" }
        if let hint, !hint.isEmpty { text += "\nHINT: \(hint)" }
        return text
    }
}

/// What can go wrong on a connection: the server said no, or the connection itself failed.
enum PostgresError: Error, Sendable, CustomStringConvertible {
    case server(PostgresServerError)
    case connection(String)

    var description: String {
        switch self {
        case .server(let error): return error.description
        case .connection(let message): return message
        }
    }

    /// The server's SQLSTATE, when the server answered with one.
    var code: DatabaseErrorCode? {
        guard case .server(let error) = self, let state = error.sqlState else { return nil }
        return .sqlState(state)
    }

    /// The engine error for Lifeboat's own SQL failing while doing `what`, keeping the SQLSTATE.
    func engineError(doing what: String) -> EngineError {
        let message = "PostgreSQL error while \(what): \(description)"
        return code.map { .database(code: $0, message: message) } ?? .failed(message)
    }
}

/// One result of a query, copied out of libpq so no `PGresult` outlives the call.
struct PostgresResult: Sendable {
    enum Status: Sendable, Equatable {
        case commandOK
        case tuplesOK
        case emptyQuery
        /// The server waits for `COPY … FROM STDIN` data (`PostgresConnection.putCopyData`).
        case copyIn
    }

    var status: Status
    var columnNames: [String]
    var rows: [[String?]]
    /// The command tag (`CREATE TABLE`, `INSERT 0 1`, `COMMIT`, `ROLLBACK`, …).
    var commandStatus: String

    /// The first column of the first row, when there is one and it is not NULL.
    var firstValue: String? { rows.first?.first ?? nil }
}

/// The one wrapper over libpq's `PGconn`/`PGresult`: every call's outcome is checked, results are
/// copied into Swift values and cleared at once, and no pointer leaves this type.
///
/// Not thread-safe: one connection is used from one thread at a time, like the engine that owns it.
final class PostgresConnection {
    private var handle: OpaquePointer?
    private let notices: NoticeForwarder
    /// libpq's functions (`LibPQ`): loaded on the first connection, not at start.
    private let pq: LifeboatLibPQ

    /// Connects with `PQconnectdbParams` (no `dbname` expansion: every value is taken literally).
    /// Server notices go to `onNotice`, one message per call, without the trailing newline.
    /// Throws `PostgresError.connection` with libpq's reason, or when libpq cannot be loaded.
    init(parameters: [(String, String)], onNotice: @escaping @Sendable (String) -> Void) throws(PostgresError) {
        pq = try LibPQ.functions()
        notices = NoticeForwarder(onNotice)
        let keywords = parameters.map { strdup($0.0) }
        let values = parameters.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let keywordArray: [UnsafePointer<CChar>?] = keywords.map { UnsafePointer($0) } + [nil]
        let valueArray: [UnsafePointer<CChar>?] = values.map { UnsafePointer($0) } + [nil]
        let connection = keywordArray.withUnsafeBufferPointer { keys in
            valueArray.withUnsafeBufferPointer { vals in
                pq.PQconnectdbParams(keys.baseAddress, vals.baseAddress, 0)
            }
        }
        guard let connection else {
            throw .connection("libpq could not allocate a connection (out of memory)")
        }
        guard pq.PQstatus(connection) == CONNECTION_OK else {
            let reason = Self.message(pq.PQerrorMessage(connection)) ?? "unknown reason"
            pq.PQfinish(connection)
            throw .connection(reason)
        }
        handle = connection
        let context = Unmanaged.passUnretained(notices).toOpaque()
        _ = pq.PQsetNoticeProcessor(connection, { context, message in
            guard let context, let message else { return }
            let forwarder = Unmanaged<NoticeForwarder>.fromOpaque(context).takeUnretainedValue()
            var text = String(cString: message)
            while text.hasSuffix("\n") { text.removeLast() }
            forwarder.forward(text)
        }, context)
    }

    deinit { close() }

    /// Closes the connection; later calls fail with `PostgresError.connection`.
    func close() {
        if let handle { pq.PQfinish(handle) }
        handle = nil
    }

    var isOpen: Bool { handle != nil }

    // MARK: - Facts about the live connection

    /// The host (or socket folder) actually connected to.
    var host: String? { handle.flatMap { Self.message(pq.PQhost($0)) } }
    var port: String? { handle.flatMap { Self.message(pq.PQport($0)) } }
    var user: String? { handle.flatMap { Self.message(pq.PQuser($0)) } }
    var database: String? { handle.flatMap { Self.message(pq.PQdb($0)) } }
    /// The password libpq used (from the URL, a passfile or the environment); never print it.
    var password: String? {
        guard let handle, let pointer = pq.PQpass(handle) else { return nil }
        let text = String(cString: pointer)
        return text.isEmpty ? nil : text
    }
    /// `PQserverVersion`: e.g. 150004 for 15.4, 90624 for 9.6.24.
    var serverVersionNumber: Int { handle.map { Int(pq.PQserverVersion($0)) } ?? 0 }
    var backendPID: Int32 { handle.map { pq.PQbackendPID($0) } ?? 0 }

    /// A run-time parameter the server reports (`server_version`, `application_name`, …).
    func parameterStatus(_ name: String) -> String? {
        guard let handle else { return nil }
        return Self.message(pq.PQparameterStatus(handle, name))
    }

    enum TransactionState: Sendable, Equatable {
        case idle, inTransaction, failedTransaction, busy, unknown
    }

    var transactionState: TransactionState {
        guard let handle else { return .unknown }
        switch pq.PQtransactionStatus(handle) {
        case PQTRANS_IDLE: return .idle
        case PQTRANS_INTRANS: return .inTransaction
        case PQTRANS_INERROR: return .failedTransaction
        case PQTRANS_ACTIVE: return .busy
        default: return .unknown
        }
    }

    // MARK: - Queries

    /// Runs SQL with `PQexec` and returns its (last) result. A `COPY … FROM STDIN` is refused unless
    /// `allowCopyIn`, in which case the caller must follow with `putCopyData` and `endCopy`.
    @discardableResult
    func execute(_ sql: String, allowCopyIn: Bool = false) throws(PostgresError) -> PostgresResult {
        let handle = try liveHandle()
        guard let result = pq.PQexec(handle, sql) else { throw .connection(lastError(handle)) }
        let status = pq.PQresultStatus(result)
        if status == PGRES_COPY_IN && allowCopyIn {
            pq.PQclear(result)
            return PostgresResult(status: .copyIn, columnNames: [], rows: [], commandStatus: "COPY")
        }
        return try finish(result, status: status, on: handle)
    }

    /// Runs one statement with text parameters (`$1`, `$2`, …) via `PQexecParams`.
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> PostgresResult {
        let handle = try liveHandle()
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
        let result = pointers.withUnsafeBufferPointer { values in
            pq.PQexecParams(handle, sql, Int32(parameters.count), nil, values.baseAddress, nil, nil, 0)
        }
        guard let result else { throw .connection(lastError(handle)) }
        return try finish(result, status: pq.PQresultStatus(result), on: handle)
    }

    /// Runs a script of several statements as one simple query (`PQsendQuery`) and reads every
    /// statement's result, so a failure can be traced to the statement that caused it.
    /// Returns how many statements completed before the first error, that error, and the command
    /// tag of the last statement that completed (`COMMIT`, or `ROLLBACK` for a failed transaction).
    func executeScript(_ sql: String) -> (completed: Int, error: PostgresError?, lastTag: String?) {
        guard let handle else { return (0, .connection("the connection is closed"), nil) }
        guard pq.PQsendQuery(handle, sql) == 1 else { return (0, .connection(lastError(handle)), nil) }
        var completed = 0
        var failure: PostgresError?
        var lastTag: String?
        while let result = pq.PQgetResult(handle) {
            let status = pq.PQresultStatus(result)
            switch status {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
                if failure == nil {
                    completed += 1
                    lastTag = Self.message(pq.PQcmdStatus(result))
                }
            case PGRES_EMPTY_QUERY:
                break
            case PGRES_COPY_IN:
                // Migrations carry no inline data; end the COPY with an error the user can read.
                _ = pq.PQputCopyEnd(handle, "COPY FROM STDIN is not supported in a migration; use INSERT or COPY FROM a server file")
            case PGRES_COPY_OUT:
                drainCopyOut(handle)
            default:
                if failure == nil { failure = .server(serverError(result, on: handle)) }
            }
            pq.PQclear(result)
        }
        if failure == nil, pq.PQstatus(handle) != CONNECTION_OK {
            failure = .connection(lastError(handle))
        }
        return (completed, failure, lastTag)
    }

    /// `text` as an SQL string literal for this connection (`PQescapeLiteral`: quotes, backslashes
    /// and the client encoding handled as the server will read them), or `NULL`.
    func literal(_ text: String?) throws(PostgresError) -> String {
        guard let text else { return "NULL" }
        let handle = try liveHandle()
        if text.isEmpty { return "''" }
        let bytes = Array(text.utf8)
        guard let escaped = bytes.withUnsafeBufferPointer({ buffer in
            buffer.withMemoryRebound(to: CChar.self) { pq.PQescapeLiteral(handle, $0.baseAddress, $0.count) }
        }) else {
            throw .connection(lastError(handle))
        }
        defer { pq.PQfreemem(escaped) }
        return String(cString: escaped)
    }

    // MARK: - COPY FROM STDIN

    /// Sends one buffer of `COPY` data; only valid after `execute(_:allowCopyIn:)` returned `.copyIn`.
    func putCopyData(_ bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        let handle = try liveHandle()
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        // libpq takes an int length: send in pieces below 1 GiB.
        var offset = 0
        while offset < bytes.count {
            let length = min(bytes.count - offset, 1 << 26)
            let sent = pq.PQputCopyData(handle, base.advanced(by: offset).assumingMemoryBound(to: CChar.self), Int32(length))
            guard sent == 1 else { throw .connection(lastError(handle)) }
            offset += length
        }
    }

    /// Ends a `COPY … FROM STDIN`; with `failure`, makes the server abort it. Returns the COPY's
    /// outcome (its command tag), or throws the server's error.
    @discardableResult
    func endCopy(failure: String? = nil) throws(PostgresError) -> PostgresResult {
        let handle = try liveHandle()
        guard pq.PQputCopyEnd(handle, failure) == 1 else { throw .connection(lastError(handle)) }
        var outcome: Result<PostgresResult, PostgresError> = .failure(.connection("COPY ended without a result"))
        var first = true
        while let result = pq.PQgetResult(handle) {
            let status = pq.PQresultStatus(result)
            if first {
                do throws(PostgresError) {
                    outcome = .success(try finish(result, status: status, on: handle, clear: false))
                } catch {
                    outcome = .failure(error)
                }
                first = false
            }
            pq.PQclear(result)
        }
        return try outcome.get()
    }

    // MARK: - Internals

    private func liveHandle() throws(PostgresError) -> OpaquePointer {
        guard let handle else { throw .connection("the connection is closed") }
        return handle
    }

    /// Copies a result out, clears it, and throws when it is an error.
    private func finish(_ result: OpaquePointer, status: ExecStatusType, on handle: OpaquePointer,
                        clear: Bool = true) throws(PostgresError) -> PostgresResult {
        defer { if clear { pq.PQclear(result) } }
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            let columns = Int(pq.PQnfields(result))
            let rowCount = Int(pq.PQntuples(result))
            var names: [String] = []
            names.reserveCapacity(columns)
            for column in 0..<columns {
                names.append(Self.message(pq.PQfname(result, Int32(column))) ?? "")
            }
            var rows: [[String?]] = []
            rows.reserveCapacity(rowCount)
            for row in 0..<rowCount {
                var values: [String?] = []
                values.reserveCapacity(columns)
                for column in 0..<columns {
                    if pq.PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                        values.append(nil)
                    } else {
                        values.append(pq.PQgetvalue(result, Int32(row), Int32(column)).map { String(cString: $0) } ?? "")
                    }
                }
                rows.append(values)
            }
            let tag = Self.message(pq.PQcmdStatus(result)) ?? ""
            let mapped: PostgresResult.Status = status == PGRES_COMMAND_OK ? .commandOK
                : status == PGRES_TUPLES_OK ? .tuplesOK : .emptyQuery
            return PostgresResult(status: mapped, columnNames: names, rows: rows, commandStatus: tag)
        case PGRES_COPY_IN:
            _ = pq.PQputCopyEnd(handle, "COPY FROM STDIN is not supported here")
            while let extra = pq.PQgetResult(handle) { pq.PQclear(extra) }
            throw .connection("COPY FROM STDIN is not supported here")
        case PGRES_COPY_OUT:
            drainCopyOut(handle)
            throw .connection("COPY TO STDOUT is not supported here")
        default:
            throw .server(serverError(result, on: handle))
        }
    }

    private func drainCopyOut(_ handle: OpaquePointer) {
        var buffer: UnsafeMutablePointer<CChar>?
        while pq.PQgetCopyData(handle, &buffer, 0) > 0 {
            if let buffer { pq.PQfreemem(buffer) }
            buffer = nil
        }
    }

    private func serverError(_ result: OpaquePointer, on handle: OpaquePointer) -> PostgresServerError {
        func field(_ code: Character) -> String? {
            Self.message(pq.PQresultErrorField(result, Int32(code.asciiValue ?? 0)))
        }
        let primary = field("M") ?? Self.message(pq.PQresultErrorMessage(result)) ?? lastError(handle)
        return PostgresServerError(severity: field("V") ?? field("S"), sqlState: field("C"), message: primary,
                                   detail: field("D"), hint: field("H"), position: field("P").flatMap { Int($0) },
                                   context: field("W"))
    }

    private func lastError(_ handle: OpaquePointer) -> String {
        Self.message(pq.PQerrorMessage(handle)) ?? "unknown libpq error"
    }

    /// A C string from libpq as Swift text, trimmed; nil when NULL or empty.
    private static func message(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        let text = String(cString: pointer).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    private static func message(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        message(pointer.map { UnsafePointer($0) })
    }
}

/// Carries the notice callback through libpq's `void *` context; owned by the connection.
private final class NoticeForwarder: Sendable {
    let forward: @Sendable (String) -> Void
    init(_ forward: @escaping @Sendable (String) -> Void) { self.forward = forward }
}
