import Foundation

/// A migration's lock impact as `plan` reports it (SPEC "PostgreSQL lock safety"): the locks its
/// statements took, the tables they rewrote, the rows they touched, and one verdict in words that
/// a pull-request reviewer can act on ("holds ACCESS EXCLUSIVE on orders (3.1 GB) for 1.2 s:
/// blocks reads and writes").
public struct LockImpact: Sendable, Codable, Equatable {
    /// A lock one statement took, for the JSON (`{relation, mode, statement_line}`).
    public struct Lock: Sendable, Codable, Equatable {
        public var relation: String
        public var mode: LockMode
        public var statementLine: Int
    }

    public var locks: [Lock]
    /// Tables whose storage was rewritten, each once, in the order rewritten.
    public var rewrites: [String]
    /// Rows the statements inserted, updated, deleted or returned, summed; nil when none reported one.
    public var rows: Int?
    public var verdict: String

    /// The impact of one migration's statements, in the order they ran.
    public init(_ statements: [StatementImpact]) {
        locks = statements.flatMap { statement in
            statement.locks.map { Lock(relation: $0.relation, mode: $0.mode, statementLine: statement.line) }
        }
        var rewritten: [String] = []
        for name in statements.flatMap(\.rewrites) where !rewritten.contains(name) { rewritten.append(name) }
        rewrites = rewritten
        let counts = statements.compactMap(\.rows)
        rows = counts.isEmpty ? nil : counts.reduce(0, +)
        verdict = Self.verdict(statements, rewrites: rewritten)
    }

    /// Per table, the strongest mode and how long it is held: from the statement that took it
    /// to the end of the migration (a lock lasts until its transaction ends); strongest first.
    static func verdict(_ statements: [StatementImpact], rewrites: [String]) -> String {
        struct Held { var mode: LockMode; var from: Int; var size: Int64? }
        var held: [(String, Held)] = []
        for (index, statement) in statements.enumerated() {
            for lock in statement.locks {
                if let at = held.firstIndex(where: { $0.0 == lock.relation }) {
                    if lock.mode > held[at].1.mode { held[at].1.mode = lock.mode }
                } else {
                    held.append((lock.relation, Held(mode: lock.mode, from: index, size: lock.sizeBytes)))
                }
            }
        }
        guard !held.isEmpty else { return "takes no lock on an existing table" }
        let ordered = held.enumerated().sorted { ($0.element.1.mode, -$0.offset) > ($1.element.1.mode, -$1.offset) }.map(\.element)
        var parts = ordered.map { relation, lock in
            let milliseconds = statements[lock.from...].map(\.milliseconds).reduce(0, +)
            let size = lock.size.map { " (\(ByteCount.format($0)))" } ?? ""
            return "\(lock.mode.rawValue) on \(relation)\(size) for \(duration(milliseconds)): \(lock.mode.blocks)"
        }
        parts[0] = "holds " + parts[0]
        var text = parts.joined(separator: "; ")
        if !rewrites.isEmpty { text += "; rewrites \(rewrites.joined(separator: ", "))" }
        return text
    }

    /// `<1 ms`, `12 ms`, `1.2 s`.
    static func duration(_ milliseconds: Double) -> String {
        if milliseconds < 0.5 { return "<1 ms" }
        return milliseconds < 1000 ? "\(Int(milliseconds.rounded())) ms" : String(format: "%.1f s", milliseconds / 1000)
    }
}
