import Foundation

/// The one seam between the orchestration (`Run/`) and a database.
///
/// An engine does exactly the database-specific operations and nothing else: it never decides when
/// to lock, snapshot, restore or refuse (that is policy, and lives in `Run/`), never reads the
/// environment, and never calls back into the orchestration. Every engine must pass the shared
/// conformance suite (`Tests/EngineConformance`).
///
/// An engine object is one open connection; it is used from one thread at a time.
public protocol DatabaseEngine: AnyObject {
    /// Which engine this is (`sqlite` / `postgres`), as written in manifests.
    var kind: DatabaseURL.Engine { get }
    /// The URL the engine was opened with (show `url.redacted`, never `url.original`).
    var url: DatabaseURL { get }
    /// The extension of a snapshot payload before `.gz` (`sqlite`, `pgdump`).
    var snapshotExtension: String { get }

    /// Engine versions for the manifest (`sqlite_version`, or `server_version` and `pg_dump_version`).
    func versionInfo() throws -> [String: String]

    // MARK: - Locking

    /// Tries once to take the run lock named `key` (the history table's name) without waiting.
    /// The orchestration polls this until `--lock-timeout`.
    func tryLock(key: String) throws -> LockAttempt
    /// Releases the run lock; harmless when not held.
    func unlock() throws

    // MARK: - History

    /// Creates the history table when it does not exist (SPEC columns, quoted name).
    func ensureHistoryTable(_ table: HistoryTable) throws
    /// All history rows in version order; empty when the table does not exist yet.
    func readHistory(_ table: HistoryTable) throws -> [HistoryRecord]
    func insertHistory(_ record: HistoryRecord, into table: HistoryTable) throws
    func deleteHistory(version: String, from table: HistoryTable) throws
    func updateHistoryChecksum(version: String, checksum: String, in table: HistoryTable) throws

    // MARK: - Transactions and SQL

    func begin() throws
    func commit() throws
    func rollback() throws
    /// Runs a script of one or more statements; throws `EngineError.statementFailed` with the
    /// statement and its line in the file.
    func execute(_ script: SQLScript) throws
    /// Runs one statement and tells whether the first column of its first row is true: not false,
    /// 0, NULL, and there was a row. Statements that return no columns count as true.
    func evaluateAssertion(_ statement: SQLScript) throws -> Bool

    // MARK: - Snapshots and schema

    /// Writes the uncompressed payload (a SQLite database file, a `pg_dump` archive) into `sink`,
    /// consistent as of one point in time; `scratch` is a folder for temporary files on the same
    /// file system as the backups. Returns the number of payload bytes.
    func writeSnapshot(to sink: ByteSink, scratch: URL) throws -> Int64
    /// Replaces the database's contents with the payload read from `source`, all-or-nothing:
    /// when it throws, the database is as it was.
    func restoreSnapshot(from source: ByteSource, scratch: URL) throws
    /// Reads the whole payload from `source` and checks it as far as possible without touching the
    /// database, so `restore` refuses a broken snapshot before it takes a safety snapshot. An
    /// engine that stages the payload on the way (SQLite: a decompressed copy in `scratch` that
    /// passes `PRAGMA integrity_check`) keeps it and returns it, for `restoreStaged` to put in
    /// without reading the payload again; the default reads it all (every gzip member's CRC-32
    /// and length) and returns nil.
    func checkSnapshot(from source: ByteSource, scratch: URL) throws -> StagedSnapshot?
    /// Puts in a payload that `checkSnapshot` staged, all-or-nothing as `restoreSnapshot` does,
    /// and removes the staged file. Only for what this engine's `checkSnapshot` returned.
    func restoreStaged(_ staged: StagedSnapshot) throws
    /// Whether `restoreSnapshot` and `checkSnapshot` read the whole payload into `scratch` before
    /// they touch the database (SQLite: a decompressed copy that must pass `integrity_check`), so a
    /// remote store may hand them bytes still arriving, the SHA-256 checked before the end of the
    /// stream is reported (`SnapshotStore.openStreaming`). PostgreSQL replays the payload into the
    /// database as it reads, so it is given only checked bytes. The default is false.
    var stagesPayloadBeforeTouching: Bool { get }
    /// The normalised schema, stable for the same database, without the history table's rows.
    func schema(excluding table: HistoryTable) throws -> String

    // MARK: - Rehearsal

    /// Runs `body` against a throwaway version of this database that the target never sees:
    /// SQLite — a temporary copy in `scratch` made with the backup API, deleted afterwards;
    /// PostgreSQL — this connection inside one transaction that is rolled back, `begin`/`commit`
    /// inside turning into savepoints. Nothing `body` does reaches the target.
    func rehearse<T>(scratch: URL, _ body: (DatabaseEngine) throws -> T) throws -> T

    // MARK: - Lock holders

    /// The other sessions that hold locks on `tables` (names as written in SQL; nil: any table of
    /// the database), oldest transaction first: who is in the way of a lock wait. Engines without
    /// such locks (SQLite) return none (the default).
    func lockHolders(on tables: [String]?) throws -> [LockHolder]
    /// Whether a rehearsal can also run no-transaction migrations (SQLite's copy can; a PostgreSQL
    /// rehearsal inside one transaction cannot run `CREATE INDEX CONCURRENTLY`).
    var rehearsesNoTransactionMigrations: Bool { get }
    /// Whether a rehearsal writes a copy of the database into `scratch` (SQLite) or needs no file
    /// at all (PostgreSQL), so `plan` creates a scratch folder only when it is used.
    var rehearsesOnACopy: Bool { get }

    /// Closes the connection; the engine is unusable afterwards.
    func close()
}

extension DatabaseEngine {
    public func checkSnapshot(from source: ByteSource, scratch: URL) throws -> StagedSnapshot? {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { buffer.deallocate() }
        while try source.read(into: buffer) > 0 {}
        return nil
    }

    public func restoreStaged(_ staged: StagedSnapshot) throws {
        throw EngineError.snapshotFailed("this engine stages no snapshot (\(staged.path)); \(url.redacted) was not changed")
    }

    public func lockHolders(on tables: [String]?) throws -> [LockHolder] { [] }

    public var stagesPayloadBeforeTouching: Bool { false }

    /// What identifies this database among the snapshots of a shared backups folder
    /// (`DatabaseURL.identity`).
    public var identity: String { url.identity }
}

/// The result of one attempt to take the run lock.
public enum LockAttempt: Sendable, Equatable {
    case acquired
    /// Someone else holds it; `holder` says who when the engine can tell.
    case busy(holder: String?)
}

/// Opens an engine for a URL. LifeboatKit knows no concrete engine; `LifeboatEngines` provides the
/// standard factory, and tests may provide their own.
public protocol DatabaseEngineFactory: Sendable {
    func open(_ url: DatabaseURL, options: EngineOptions) throws -> DatabaseEngine
}

/// Settings an engine needs to open, decided by the caller (engines read no environment).
public struct EngineOptions: Sendable {
    /// Where to find `pg_dump`/`pg_restore` (nil: PATH, then /usr/lib/postgresql/*/bin).
    public var postgresBinDirectory: String?
    /// PostgreSQL `lock_timeout` for migration statements, in milliseconds (0 = none).
    public var statementLockTimeoutMs: Int
    /// Receives server notices and engine progress (shown at --verbose).
    public var log: @Sendable (String) -> Void

    public init(postgresBinDirectory: String? = nil, statementLockTimeoutMs: Int = 5_000,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.postgresBinDirectory = postgresBinDirectory
        self.statementLockTimeoutMs = statementLockTimeoutMs
        self.log = log
    }
}
