/// The database's own code for an error, kept as a typed fact so callers and reports can act on
/// it (a unique violation, a full disk, a busy database) without reading the message text.
public enum DatabaseErrorCode: Sendable, Equatable, CustomStringConvertible {
    /// PostgreSQL's five-character SQLSTATE (`23505` for a unique violation).
    case sqlState(String)
    /// SQLite's extended result code (`2067`, SQLITE_CONSTRAINT_UNIQUE); `primary` is the low byte.
    case sqlite(Int32)

    /// The primary SQLite result code (SQLITE_BUSY, SQLITE_FULL, …), nil for PostgreSQL.
    public var sqlitePrimary: Int32? {
        if case .sqlite(let code) = self { return code & 0xff }
        return nil
    }

    public var description: String {
        switch self {
        case .sqlState(let state): return "SQLSTATE \(state)"
        case .sqlite(let code): return "SQLite code \(code)"
        }
    }
}
