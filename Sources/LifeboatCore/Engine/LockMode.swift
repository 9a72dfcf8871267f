/// A PostgreSQL table-level lock mode, weakest first, with what it blocks in words: the part of
/// `plan`'s lock-impact report that a reviewer reads ("ACCESS EXCLUSIVE … blocks reads and writes").
public enum LockMode: String, Sendable, Codable, CaseIterable, Comparable {
    case accessShare = "ACCESS SHARE"
    case rowShare = "ROW SHARE"
    case rowExclusive = "ROW EXCLUSIVE"
    case shareUpdateExclusive = "SHARE UPDATE EXCLUSIVE"
    case share = "SHARE"
    case shareRowExclusive = "SHARE ROW EXCLUSIVE"
    case exclusive = "EXCLUSIVE"
    case accessExclusive = "ACCESS EXCLUSIVE"

    /// The mode as `pg_locks.mode` names it (`AccessExclusiveLock`); nil for a mode that is not a
    /// table-level one.
    public init?(pgLocksMode: String) {
        guard let mode = Self.allCases.first(where: { $0.pgLocksName == pgLocksMode }) else { return nil }
        self = mode
    }

    /// `AccessExclusiveLock`, as `pg_locks.mode` spells it.
    public var pgLocksName: String {
        rawValue.split(separator: " ").map { $0.prefix(1) + $0.dropFirst().lowercased() }.joined() + "Lock"
    }

    /// What other sessions cannot do while it is held (PostgreSQL's table of conflicting modes,
    /// in the words of the queries a production application sends).
    public var blocks: String {
        switch self {
        case .accessShare: return "blocks only DDL that needs ACCESS EXCLUSIVE (ALTER, DROP, VACUUM FULL)"
        case .rowShare: return "blocks EXCLUSIVE and ACCESS EXCLUSIVE DDL, not reads or writes"
        case .rowExclusive: return "blocks CREATE INDEX and most DDL, not reads or writes"
        case .shareUpdateExclusive: return "blocks DDL, VACUUM and ANALYZE, not reads or writes"
        case .share: return "blocks writes, not reads"
        case .shareRowExclusive: return "blocks writes, not reads"
        case .exclusive: return "blocks writes and SELECT … FOR UPDATE, not plain reads"
        case .accessExclusive: return "blocks reads and writes"
        }
    }

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: LockMode, rhs: LockMode) -> Bool { lhs.rank < rhs.rank }
}
