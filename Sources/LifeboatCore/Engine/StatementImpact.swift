/// What one statement of a rehearsal did beyond its result: the table-level locks it took, the
/// tables it rewrote, the rows it touched and how long it ran. `plan` turns these into a verdict
/// per migration, since a linter can say that a statement is risky but not how long its lock lasts.
///
/// An engine fills what it can measure (`RehearsalMeasuring`); PostgreSQL fills all of it.
public struct StatementImpact: Sendable, Equatable {
    /// 1-based line of the statement in its file.
    public var line: Int
    /// The strongest mode taken on each table that existed before the migration, in the order seen
    /// (not the history table, not system catalogs, not a table the migration created).
    public var locks: [TableLock]
    /// Tables whose storage was rewritten (PostgreSQL: their `relfilenode` changed).
    public var rewrites: [String]
    /// Rows inserted, updated, deleted or returned, when the statement reports a count.
    public var rows: Int?
    /// Wall time of the statement.
    public var milliseconds: Double

    public init(line: Int, locks: [TableLock] = [], rewrites: [String] = [], rows: Int? = nil, milliseconds: Double) {
        self.line = line
        self.locks = locks
        self.rewrites = rewrites
        self.rows = rows
        self.milliseconds = milliseconds
    }
}

/// A table-level lock a rehearsal's statement took, with the table's size when it was taken.
public struct TableLock: Sendable, Equatable {
    /// The table as `regclass` prints it (schema-qualified only outside the search path).
    public var relation: String
    public var mode: LockMode
    /// `pg_total_relation_size`: table, indexes and TOAST.
    public var sizeBytes: Int64?

    public init(relation: String, mode: LockMode, sizeBytes: Int64? = nil) {
        self.relation = relation
        self.mode = mode
        self.sizeBytes = sizeBytes
    }
}
