/// One migration's state: the files and the history table side by side.
public struct MigrationState: Sendable, Equatable {
    public enum Status: String, Sendable, Codable {
        case applied, baseline, failed, pending, drift, missing
    }
    public let version: String
    public let description: String
    /// The file's checksum, or the recorded one when the file is missing.
    public let checksum: String
    public let status: Status
    /// nil when the file is missing.
    public let migration: Migration?
    /// nil when pending.
    public let record: HistoryRecord?

    public init(version: String, description: String, checksum: String, status: Status, migration: Migration?, record: HistoryRecord?) {
        self.version = version
        self.description = description
        self.checksum = checksum
        self.status = status
        self.migration = migration
        self.record = record
    }
}

/// The migration files compared with the history table: what is applied, pending, drifted, missing.
public struct HistoryComparison: Sendable {
    /// One state per version found in the files or the history, in version order.
    public let states: [MigrationState]

    public init(catalog: MigrationCatalog, history: [HistoryRecord]) {
        fatalError("TODO(catalog): HistoryComparison.init")
    }

    /// Pending migrations in version order.
    public var pending: [Migration] { states.filter { $0.status == .pending }.compactMap(\.migration) }

    /// The highest applied or baselined version as written, nil when none.
    public var currentVersion: String? {
        states.last(where: { $0.status == .applied || $0.status == .baseline })?.version
    }

    /// Throws the first problem that stops `migrate`: a failed row (dirty), drift, an applied
    /// migration whose file is missing, or (unless allowed) a pending migration older than the
    /// newest applied one. Every message names the file or version and the way out.
    public func validateForMigrate(allowOutOfOrder: Bool) throws {
        fatalError("TODO(catalog): validateForMigrate")
    }
}
