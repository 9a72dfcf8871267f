/// What `plan` found: the pending migrations with their statements' kinds and rehearsal times,
/// the lint findings, and where a rehearsal failed.
public struct PlanReport: Sendable, Codable {
    public var engine: String
    public var database: String
    @JSONNull public var currentVersion: String?
    /// Pending migrations in order; `rehearsal_ms` is null when not rehearsed.
    public var migrations: [PlannedMigration]
    public var lint: [LintFinding]
    /// Whether the rehearsal ran (`--no-rehearse` turns it off).
    public var rehearsed: Bool
    @JSONNull public var failure: MigrateReport.Failure? = nil
    /// `--allow-destructive` was given: every finding is allowed (not part of the JSON shape;
    /// each finding's own `allowed` says what its file allows).
    public var allowDestructive = false
    /// Sessions in the way of the pending migrations (SPEC "PostgreSQL lock safety"); nil (absent) when none.
    public var preflight: [LockHolder]?

    /// Lint findings that were not allowed (exit 6 unless `--allow-destructive`).
    public var blockingLint: [LintFinding] { allowDestructive ? [] : Lint.blocking(lint) }

    /// What the JSON holds (names: `ReportJSON`); `allowDestructive` stays out of it.
    enum CodingKeys: CodingKey {
        case engine, database, currentVersion, migrations, lint, rehearsed, failure, preflight
    }
}

/// One pending migration in a plan.
public struct PlannedMigration: Sendable, Codable {
    public var version: String
    public var description: String
    public var checksum: String
    /// `pending`, or after a rehearsal `rehearsed`, `failed`, `not_reached` (after a failed one),
    /// `not_rehearsed` (a no-transaction migration the engine cannot rehearse).
    public var status: MigrationStatus
    public var file: String
    /// The kinds of its statements (`CREATE TABLE`, `UPDATE`, …), in order.
    public var statements: [String]
    public var noTransaction: Bool
    @JSONNull public var rehearsalMs: Int?
    /// Always null: a plan applies nothing (the key is there for the SPEC's migration shape).
    @JSONNull public private(set) var executionMs: Int? = nil
    /// The lock-impact report (`LockImpact`), null where the engine measures none (SQLite) or the
    /// migration was not rehearsed.
    @JSONNull public var locks: [LockImpact.Lock]? = nil
    @JSONNull public var rewrites: [String]? = nil
    @JSONNull public var rows: Int? = nil
    @JSONNull public var verdict: String? = nil

    /// Fills the lock-impact fields.
    mutating func record(_ impact: LockImpact) {
        locks = impact.locks
        rewrites = impact.rewrites
        rows = impact.rows
        verdict = impact.verdict
    }

    init(_ migration: Migration) {
        version = migration.version.text
        description = migration.description
        checksum = migration.checksum
        status = .pending
        file = migration.file
        statements = StatementKind.kinds(in: migration.up)
        noTransaction = migration.noTransaction
        rehearsalMs = nil
    }
}
