/// A session that holds a table lock another one needs: who is in the way when a migration's or a
/// restore's wait for a lock times out, and what the preflight warns about before a run.
///
/// Engines without table locks between sessions (SQLite) never report one.
public struct LockHolder: Sendable, Codable, Equatable {
    // JSON keys: snake_case from these names, by the report encoder (`ReportJSON`).
    /// The server process id (`pg_terminate_backend(pid)` ends it).
    public var pid: Int
    public var applicationName: String
    public var user: String
    /// `active`, `idle in transaction`, …
    public var state: String
    /// How long its transaction has run, in milliseconds (nil outside a transaction).
    public var transactionMs: Int?
    /// How long its current (or last) query has run, in milliseconds.
    public var queryMs: Int?
    /// The first 80 characters of its current (or last) query, on one line.
    public var query: String
    /// The tables it holds locks on (of those asked about), and the lock modes.
    public var relations: [String]
    public var modes: [String]

    public init(pid: Int, applicationName: String, user: String, state: String, transactionMs: Int?, queryMs: Int?,
                query: String, relations: [String], modes: [String]) {
        self.pid = pid
        self.applicationName = applicationName
        self.user = user
        self.state = state
        self.transactionMs = transactionMs
        self.queryMs = queryMs
        self.query = query
        self.relations = relations
        self.modes = modes
    }


    /// `pid 4711 (application_name 'report', user app, idle in transaction for 12.3 s, query 0.2 s:
    /// "SELECT …", holding AccessShareLock on t)`, for messages.
    public var summary: String {
        var parts = ["application_name '\(applicationName)'", "user \(user)"]
        parts.append(state + (transactionMs.map { ", transaction open \(Self.seconds($0))" } ?? ""))
        if let queryMs { parts.append("query started \(Self.seconds(queryMs)) ago") }
        if !query.isEmpty { parts.append("\"\(query)\"") }
        if !relations.isEmpty { parts.append("holding \(modes.joined(separator: "/")) on \(relations.joined(separator: ", "))") }
        return "pid \(pid) (\(parts.joined(separator: ", ")))"
    }

    static func seconds(_ milliseconds: Int) -> String {
        milliseconds < 10_000 ? "\(Double(milliseconds / 100) / 10) s" : "\(milliseconds / 1000) s"
    }

    /// The sentence naming `holders` and the way out, for an error message.
    public static func explanation(_ holders: [LockHolder]) -> String {
        guard !holders.isEmpty else { return "" }
        return "in the way: " + holders.map(\.summary).joined(separator: "; ")
            + ". End them with SELECT pg_terminate_backend(pid) (pid "
            + holders.map { String($0.pid) }.joined(separator: ", ") + ") or wait until they finish."
    }
}
