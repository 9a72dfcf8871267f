import Foundation
import LifeboatCore

/// The PostgreSQL engine: one libpq connection, plus `pg_dump` for snapshots and schema dumps.
///
/// Facets: history table (`+History`), run lock (`+Lock`), snapshots and schema (`+Snapshot`),
/// restore (`+Restore`). Like every engine it decides no policy and reads no configuration of
/// Lifeboat's from the environment. What it does take from the environment: `PATH`, to find
/// `pg_dump` as a shell would; libpq's own `PG*` variables, which libpq reads for the connection
/// and which `pg_dump` gets too, so both connect alike (`PGSSLMODE`…; never `PGPASSWORD`); and, for
/// `pg_dump` only, the harmless variables a client may need (`HOME` for `~/.postgresql`
/// certificates, locale, `TZ`, `TMPDIR`, `KRB5*`, `SSL_CERT_*`: `PostgresClientEnvironment`).
public final class PostgresEngine: DatabaseEngine {
    public let kind: DatabaseURL.Engine = .postgres
    public let url: DatabaseURL
    /// Snapshots are plain SQL from `pg_dump` (see `writeSnapshot`), so the payload is `<id>.sql.gz`.
    public let snapshotExtension = "sql"

    let options: EngineOptions
    let connection: PostgresConnection
    let tools: PostgresTools
    /// The parameters the connection was opened with (with the password), for child programs.
    let connectionParameters: [(String, String)]
    /// The advisory lock key this session holds, if any.
    var heldLockKey: Int64?
    /// `pg_dump` and its version, once found (`dumpProgram()`).
    var dumpTool: (URL, PostgresVersion)?

    // MARK: - Opening

    /// Connects to the database `url` names. Throws `EngineError.cannotOpen` (exit 2) naming the
    /// host, port and database and libpq's reason, never the password.
    public static func open(_ url: DatabaseURL, options: EngineOptions) throws -> PostgresEngine {
        guard url.engine == .postgres else {
            throw ConfigurationError.badDatabaseURL(redacted: url.redacted, reason: "not a postgres:// URL")
        }
        let parameters = connectionParameters(for: url)
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection(parameters: GSSEncryptionCheck.applied(to: parameters), onNotice: options.log)
        } catch {
            throw EngineError.cannotOpen(database: describeTarget(parameters),
                                         reason: scrub(oneLine(error.description), secrets: secrets(in: parameters)))
        }
        let engine = PostgresEngine(url: url, options: options, connection: connection, parameters: parameters)
        do {
            try engine.applySessionSettings()
        } catch {
            connection.close()
            throw EngineError.cannotOpen(database: describeTarget(parameters), reason: "\(error)")
        }
        return engine
    }

    private init(url: DatabaseURL, options: EngineOptions, connection: PostgresConnection,
                 parameters: [(String, String)]) {
        self.url = url
        self.options = options
        self.connection = connection
        self.connectionParameters = parameters
        self.tools = PostgresTools(binDirectory: options.postgresBinDirectory)
    }

    /// libpq keywords for `url`: its parts, then its query parameters (which win, as in libpq's own
    /// URI parsing), `application_name=lifeboat` and a 10 s connect timeout unless given, and UTF-8
    /// as client encoding (error positions are counted in characters of it).
    static func connectionParameters(for url: DatabaseURL) -> [(String, String)] {
        var parameters: [(String, String)] = []
        func set(_ key: String, _ value: String?) {
            guard let value else { return }
            if let index = parameters.firstIndex(where: { $0.0 == key }) {
                parameters[index].1 = value
            } else {
                parameters.append((key, value))
            }
        }
        var host = url.host
        if let bracketed = host, bracketed.hasPrefix("["), bracketed.hasSuffix("]") {
            host = String(bracketed.dropFirst().dropLast())
        }
        set("host", host)
        set("port", url.port.map(String.init))
        set("user", url.user)
        set("password", url.password)
        set("dbname", url.database)
        for (key, value) in url.parameters { set(key, value) }
        if !parameters.contains(where: { $0.0 == "application_name" }) { set("application_name", "lifeboat") }
        if !parameters.contains(where: { $0.0 == "connect_timeout" }) { set("connect_timeout", "10") }
        set("client_encoding", "UTF8")
        return parameters
    }

    /// `postgres://user@host:port/database` from connection parameters, for messages.
    static func describeTarget(_ parameters: [(String, String)]) -> String {
        func value(_ key: String) -> String? { parameters.last(where: { $0.0 == key })?.1 }
        let user = value("user").map { "\($0)@" } ?? ""
        let host = value("host") ?? value("hostaddr") ?? "localhost"
        let database = value("dbname") ?? value("user") ?? ""
        return "postgres://\(user)\(host):\(value("port") ?? "5432")/\(database)"
    }

    static func secrets(in parameters: [(String, String)]) -> [String] {
        parameters.filter { $0.0 == "password" || $0.0 == "sslpassword" }.map(\.1).filter { !$0.isEmpty }
    }

    static func scrub(_ text: String, secrets: [String]) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }

    /// A statement on one line, cut at 200 characters, for messages.
    static func abbreviated(_ statement: String) -> String {
        let line = oneLine(statement)
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Session settings Lifeboat relies on: `lock_timeout` from the options (0 = none). Re-applied
    /// after a restore, whose dump changes session settings.
    func applySessionSettings() throws {
        let timeout = max(0, options.statementLockTimeoutMs)
        try run("SET lock_timeout = \(timeout)", doing: "setting lock_timeout")
    }

    // MARK: - Versions

    public func versionInfo() throws -> [String: String] {
        var info = ["server_version": serverVersion.description]
        if let (_, version) = try? dumpProgram() {
            info["pg_dump_version"] = version.description
        }
        return info
    }

    var serverVersion: PostgresVersion { PostgresVersion(number: connection.serverVersionNumber) }

    /// `pg_dump` and its version, asked once per engine (the manifest and the dump both need it).
    func dumpProgram() throws -> (URL, PostgresVersion) {
        if let dumpTool { return dumpTool }
        let program = tools.bypassingWrapper(try tools.locate("pg_dump"), serverMajor: serverVersion.major)
        let found = (program, try tools.version(of: program))
        dumpTool = found
        return found
    }

    // MARK: - Transactions

    /// Inside a rehearsal, `begin`/`commit`/`rollback` work on savepoints of the one outer
    /// transaction that the rehearsal rolls back.
    var inRehearsal = false

    /// Fewer round trips, same transactions. A migration is `begin`, its up script, its history
    /// row, `commit`: four round trips if each went alone. Instead `begin` only opens the state
    /// (`beginSent: false`): the `BEGIN` then travels in front of the next script in the same
    /// simple query, and a history row recorded inside the transaction travels with the `COMMIT`.
    /// So a migration costs two round trips, and still commits in its own transaction together
    /// with its history row. Anything else sent in between (Lifeboat's own queries, verify
    /// statements) first sends what is pending, in order. (A rehearsal's savepoints are sent at
    /// once.) The price: a history row that cannot be recorded fails at `commit`, which says so.
    var transaction = PostgresTransactionState.idle

    public func begin() throws {
        try sendPending()
        if inRehearsal {
            // Sent at once: a script with a syntax error runs none of its query string, and the
            // savepoint must exist for the rollback to it.
            try run("SAVEPOINT lifeboat_rehearsal", doing: "starting a rehearsed transaction")
            transaction = .open(beginSent: true, historyRows: [])
        } else {
            transaction = .open(beginSent: false, historyRows: [])
        }
    }

    /// Commits (with the pending history rows); throws when the server rolled the transaction back
    /// instead (it had failed) or a history row could not be recorded.
    public func commit() throws {
        let end = inRehearsal ? "RELEASE SAVEPOINT lifeboat_rehearsal" : "COMMIT"
        let recording = !transaction.historyRows.isEmpty
        // Nothing in the transaction (begin then commit): nothing to send.
        let nothingSent = !transaction.beginSent && !recording
        let statements = transaction.takePending() + [end]
        transaction = .idle
        if nothingSent { return }
        let (_, error, lastTag) = connection.executeScript(statements.joined(separator: ";\n"))
        if let error {
            let what = recording ? "recording the history and committing" : "committing"
            throw error.engineError(doing: what)
        }
        guard inRehearsal || lastTag == "COMMIT" else {
            throw EngineError.statementFailed(message: "the transaction had failed and was rolled back at COMMIT",
                                              file: nil, line: nil, statement: "COMMIT")
        }
    }

    public func rollback() throws {
        let beginSent = transaction.beginSent
        transaction = .idle
        // Never sent: there is nothing to roll back on the server (held-back rows are dropped).
        guard beginSent else { return }
        if inRehearsal {
            try run("ROLLBACK TO SAVEPOINT lifeboat_rehearsal; RELEASE SAVEPOINT lifeboat_rehearsal",
                    doing: "rolling back a rehearsed transaction")
            return
        }
        try run("ROLLBACK", doing: "rolling back")
    }

    /// Sends the pending `BEGIN` and history rows on their own, before anything else goes out.
    func sendPending() throws {
        let recording = !transaction.historyRows.isEmpty
        let statements = transaction.takePending()
        guard !statements.isEmpty else { return }
        let (_, error, _) = connection.executeScript(statements.joined(separator: ";\n"))
        if let error {
            let what = recording ? "recording the history" : "starting a transaction"
            throw error.engineError(doing: what)
        }
    }

    // MARK: - SQL

    /// Runs the whole script as one simple query (all its statements, in the current transaction
    /// or, outside one, in an implicit one). On failure, the error names the line in the file: the
    /// server's error position when it gives one, else the first line of the failing statement.
    ///
    /// A pending `BEGIN` goes in front of the script, in the same query and on the same line (so
    /// error positions and lines only shift by its length, which is taken off again).
    public func execute(_ script: SQLScript) throws {
        // libpq takes a C string: a NUL would silently end the script there (the catalog refuses
        // such files; this keeps any other caller from running half a script).
        if let offset = script.text.utf8.firstIndex(of: 0).map({ script.text.utf8.distance(from: script.text.utf8.startIndex, to: $0) }) {
            throw EngineError.statementFailed(message: "a NUL byte at byte \(offset) of the SQL text; the rest would not run",
                                              file: script.file, line: script.line(atUTF8Offset: offset), statement: nil)
        }
        if !transaction.historyRows.isEmpty { try sendPending() }
        // A `BEGIN` not sent yet goes in front, in the same query.
        let prefix = transaction.takePending().map { $0 + ";" }.joined()
        let (completed, error, _) = connection.executeScript(prefix + script.text)
        guard let error else { return }
        throw statementError(error, in: script, completedStatements: prefix.isEmpty ? completed : max(0, completed - 1),
                             positionOffset: prefix.unicodeScalars.count)
    }

    public func evaluateAssertion(_ statement: SQLScript) throws -> Bool {
        try sendPending()
        let result: PostgresResult
        do {
            result = try connection.execute(statement.text)
        } catch {
            throw statementError(error, in: statement, completedStatements: 0)
        }
        return Self.isTrue(result)
    }

    /// True unless the first column of the first row is false, 0 or NULL, or there is no row.
    /// Statements that return no columns count as true.
    static func isTrue(_ result: PostgresResult) -> Bool {
        guard result.status == .tuplesOK, !result.columnNames.isEmpty else { return true }
        guard let row = result.rows.first, let value = row.first, let text = value else { return false }
        let normalised = text.trimmingCharacters(in: .whitespaces).lowercased()
        if ["f", "false", "no", "off", "n"].contains(normalised) { return false }
        if let number = Double(normalised), number == 0 { return false }
        return true
    }

    /// The `EngineError.statementFailed` for an error while running `script`: the server's message
    /// (with detail and hint), the failing statement and its line in the file.
    /// `positionOffset`: characters sent in front of the script, to take off the server's position.
    func statementError(_ error: PostgresError, in script: SQLScript, completedStatements: Int,
                        positionOffset: Int = 0) -> EngineError {
        guard case .server(let server) = error else {
            return .statementFailed(message: error.description, file: script.file, line: script.firstStatementLine,
                                    statement: script.text, code: error.code)
        }
        let bytes = Array(script.text.utf8)
        // The same statements the runner and the server count (a `BEGIN ATOMIC … END` body is one).
        let statements = bytes.withUnsafeBufferPointer { StatementSplitter.spans(in: $0) }
        var line: Int?
        var failing: StatementSplitter.Span?
        if let sent = server.position, case let position = sent - positionOffset, position > 0 {
            line = script.line(atCharacterOffset: position - 1)
            let offset = Self.utf8Offset(ofCharacter: position - 1, in: bytes)
            failing = statements.last(where: { $0.bytes.lowerBound <= offset }) ?? statements.first
        } else if completedStatements < statements.count {
            failing = statements[completedStatements]
        } else {
            failing = statements.last
        }
        var statementText: String?
        if let failing {
            line = line ?? script.firstLine + failing.line
            var text = bytes[failing.bytes]
            if text.last == UInt8(ascii: ";") { text = text.dropLast() }
            statementText = String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return .statementFailed(message: server.description + lockTimeoutExplanation(server), file: script.file,
                                line: line ?? script.firstStatementLine, statement: statementText, code: error.code)
    }

    /// For `lock_timeout` cancellations (SQLSTATE 55P03 "canceling statement due to lock timeout";
    /// not the same code's NOWAIT errors): what happened and what to do.
    func lockTimeoutExplanation(_ error: PostgresServerError) -> String {
        guard error.sqlState == "55P03", error.message.contains("lock timeout"), options.statementLockTimeoutMs > 0 else {
            return ""
        }
        return "\nThe statement waited more than the statement lock timeout (lock_timeout = "
            + "\(options.statementLockTimeoutMs) ms, --statement-lock-timeout) for a lock that another session "
            + "holds, and was cancelled so that the queries queued behind it are not held up. Retry when that "
            + "session (see pg_stat_activity) has finished, or raise --statement-lock-timeout (0 waits forever)."
    }

    /// The UTF-8 byte offset of a 0-based character (Unicode scalar) index.
    static func utf8Offset(ofCharacter index: Int, in bytes: [UInt8]) -> Int {
        var characters = 0
        for (offset, byte) in bytes.enumerated() where byte & 0xC0 != 0x80 {
            if characters == index { return offset }
            characters += 1
        }
        return bytes.count
    }

    // MARK: - Closing

    public func close() {
        heldLockKey = nil
        transaction = .idle
        connection.close()
    }

    // MARK: - Internal queries

    /// Runs Lifeboat's own SQL; a failure becomes `EngineError.failed` saying what was being done.
    @discardableResult
    func run(_ sql: String, _ parameters: [String?]? = nil, doing what: String) throws -> PostgresResult {
        try sendPending()
        do {
            if let parameters {
                return try connection.query(sql, parameters)
            }
            return try connection.execute(sql)
        } catch {
            throw error.engineError(doing: what)
        }
    }
}

/// Opens `PostgresEngine`s; for the standard factory in `LifeboatEngines` and for tests.
public struct PostgresEngineFactory: DatabaseEngineFactory {
    public init() {}

    public func open(_ url: DatabaseURL, options: EngineOptions) throws -> DatabaseEngine {
        try PostgresEngine.open(url, options: options)
    }
}
