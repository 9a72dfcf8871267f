/// What `plan` found: the pending migrations with their statements' kinds and rehearsal times,
/// the lint findings, and where a rehearsal failed.
public struct PlanReport: Sendable, Codable {
    public var engine: String
    public var database: String
    public var currentVersion: String?
    /// Pending migrations in order; `rehearsal_ms` is null when not rehearsed.
    public var migrations: [PlannedMigration]
    public var lint: [LintFinding]
    /// Whether the rehearsal ran (`--no-rehearse` turns it off).
    public var rehearsed: Bool
    public var failure: MigrateReport.Failure?
    /// `--allow-destructive` was given: every finding is allowed (not part of the JSON shape;
    /// each finding's own `allowed` says what its file allows).
    public var allowDestructive = false

    /// Lint findings that were not allowed (exit 6 unless `--allow-destructive`).
    public var blockingLint: [LintFinding] { allowDestructive ? [] : Lint.blocking(lint) }

    enum CodingKeys: String, CodingKey {
        case engine, database, migrations, lint, rehearsed, failure
        case currentVersion = "current_version"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(engine, forKey: .engine)
        try container.encode(database, forKey: .database)
        try container.encode(currentVersion, forKey: .currentVersion)
        try container.encode(migrations, forKey: .migrations)
        try container.encode(lint, forKey: .lint)
        try container.encode(rehearsed, forKey: .rehearsed)
        try container.encode(failure, forKey: .failure)
    }
}

/// One pending migration in a plan.
public struct PlannedMigration: Sendable, Codable {
    public var version: String
    public var description: String
    public var checksum: String
    /// `pending`, or after a rehearsal `rehearsed`, `failed`, `not_reached` (after a failed one),
    /// `not_rehearsed` (a no-transaction migration the engine cannot rehearse).
    public var status: String
    public var file: String
    /// The kinds of its statements (`CREATE TABLE`, `UPDATE`, …), in order.
    public var statements: [String]
    public var noTransaction: Bool
    public var rehearsalMs: Int?
    /// Always null: a plan applies nothing (the key is there for the SPEC's migration shape).
    public var executionMs: Int? { nil }

    enum CodingKeys: String, CodingKey {
        case version, description, checksum, status, file, statements
        case noTransaction = "no_transaction"
        case rehearsalMs = "rehearsal_ms"
        case executionMs = "execution_ms"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(String.self, forKey: .version)
        description = try container.decode(String.self, forKey: .description)
        checksum = try container.decode(String.self, forKey: .checksum)
        status = try container.decode(String.self, forKey: .status)
        file = try container.decode(String.self, forKey: .file)
        statements = try container.decode([String].self, forKey: .statements)
        noTransaction = try container.decode(Bool.self, forKey: .noTransaction)
        rehearsalMs = try container.decodeIfPresent(Int.self, forKey: .rehearsalMs)
    }

    init(_ migration: Migration) {
        version = migration.version.text
        description = migration.description
        checksum = migration.checksum
        status = "pending"
        file = migration.file
        statements = StatementKind.kinds(in: migration.up)
        noTransaction = migration.noTransaction
        rehearsalMs = nil
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(description, forKey: .description)
        try container.encode(checksum, forKey: .checksum)
        try container.encode(status, forKey: .status)
        try container.encode(file, forKey: .file)
        try container.encode(statements, forKey: .statements)
        try container.encode(noTransaction, forKey: .noTransaction)
        try container.encode(rehearsalMs, forKey: .rehearsalMs)
        try container.encode(executionMs, forKey: .executionMs)
    }
}
