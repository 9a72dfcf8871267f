/// One migration's state: the files and the history table side by side.
public struct MigrationState: Sendable, Equatable {
    /// One of `applied`, `baseline`, `failed`, `pending`, `drift`, `missing`.
    public typealias Status = MigrationStatus
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
///
/// Files and history rows are matched by numeric version (`0002` in the history matches
/// `2_x.sql`). A recorded `failed` row is `failed`; an `applied`/`baseline` row whose checksum
/// differs from the file's is `drift` (a row recorded with an empty checksum is not checked); a
/// row without a file is `missing`; a file without a row is `pending`.
public struct HistoryComparison: Sendable {
    /// One state per version found in the files or the history, in version order.
    public let states: [MigrationState]
    /// The `restoring` marker when a restore after a failed run was interrupted (the database is
    /// dirty); it is no migration, so it is in no state.
    public let interruptedRestore: HistoryRecord?
    /// The migrations folder, for messages about missing files.
    private let directory: String

    public init(catalog: MigrationCatalog, history allRows: [HistoryRecord]) {
        directory = catalog.directory
        interruptedRestore = allRows.first(where: \.isRestoringMarker)
        let history = interruptedRestore == nil ? allRows : allRows.migrationRows
        var records: [MigrationVersion: HistoryRecord] = [:]
        records.reserveCapacity(history.count)
        var unparsable: [HistoryRecord] = []
        for record in history {
            guard let version = MigrationVersion(record.version) else {
                unparsable.append(record)
                continue
            }
            if records[version] == nil { records[version] = record }
        }
        // Walk the (sorted) files and the sorted recorded versions side by side.
        var migrations = catalog.migrations
        if zip(migrations, migrations.dropFirst()).contains(where: { !($0.version < $1.version) }) {
            migrations.sort { $0.version < $1.version }
        }
        let recorded = records.keys.sorted()
        var states: [MigrationState] = []
        states.reserveCapacity(migrations.count + recorded.count + unparsable.count)
        var fileIndex = 0
        var recordIndex = 0
        while fileIndex < migrations.count || recordIndex < recorded.count {
            if recordIndex == recorded.count
                || (fileIndex < migrations.count && migrations[fileIndex].version < recorded[recordIndex]) {
                states.append(Self.state(file: migrations[fileIndex], record: nil))
                fileIndex += 1
            } else if fileIndex == migrations.count || recorded[recordIndex] < migrations[fileIndex].version {
                states.append(Self.state(file: nil, record: records[recorded[recordIndex]]))
                recordIndex += 1
            } else {
                states.append(Self.state(file: migrations[fileIndex], record: records[recorded[recordIndex]]))
                fileIndex += 1
                recordIndex += 1
            }
        }
        // A row whose version is not digits (written by hand or another tool) has no file.
        for record in unparsable {
            states.append(Self.state(file: nil, record: record))
        }
        self.states = states
    }

    private static func state(file: Migration?, record: HistoryRecord?) -> MigrationState {
        let status: MigrationState.Status
        switch (file, record) {
        case (_, let record?) where record.status == .failed:
            status = .failed
        case (nil, _):
            status = .missing
        case (_?, nil):
            status = .pending
        case (let file?, let record?):
            if !record.checksum.isEmpty, record.checksum != file.checksum {
                status = .drift
            } else {
                status = record.status == .baseline ? .baseline : .applied
            }
        }
        return MigrationState(version: file?.version.text ?? record?.version ?? "",
                              description: file?.description ?? record?.description ?? "",
                              checksum: file?.checksum ?? record?.checksum ?? "",
                              status: status, migration: file, record: record)
    }

    /// Pending migrations in version order.
    public var pending: [Migration] { states.filter { $0.status == .pending }.compactMap(\.migration) }

    /// The highest version recorded as applied or baselined (also when its file drifted or is
    /// missing), as written in the history; nil when none.
    public var currentVersion: String? {
        states.last(where: { $0.record != nil && $0.record?.status != .failed && MigrationVersion($0.version) != nil })?.version
    }

    /// Throws the first problem with what is already recorded: an interrupted restore or a failed
    /// row (dirty), drift, an applied migration whose file is missing. `status` and `verify` use
    /// it (exit 3).
    public func validateHistory() throws {
        if let marker = interruptedRestore {
            throw CatalogError.interruptedRestore(snapshotID: marker.snapshotID)
        }
        if let failed = states.first(where: { $0.status == .failed }) {
            throw CatalogError.dirty(version: failed.version, description: failed.description,
                                     snapshotID: failed.record?.snapshotID)
        }
        if let drifted = states.first(where: { $0.status == .drift }), let migration = drifted.migration {
            throw CatalogError.drift(file: migration.file, version: drifted.version,
                                     recorded: drifted.record?.checksum ?? "", current: migration.checksum)
        }
        if let missing = states.first(where: { $0.status == .missing }) {
            throw CatalogError.missingFile(version: missing.version, description: missing.description, directory: directory)
        }
    }

    /// Throws the first problem that stops `migrate`: a failed row (dirty), drift, an applied
    /// migration whose file is missing, or (unless allowed) a pending migration older than the
    /// newest applied one. Every message names the file or version and the way out.
    public func validateForMigrate(allowOutOfOrder: Bool) throws {
        try validateHistory()
        guard !allowOutOfOrder else { return }
        guard let highest = states.last(where: { $0.record != nil && MigrationVersion($0.version) != nil }),
              let highestVersion = MigrationVersion(highest.version) else { return }
        if let early = states.first(where: { $0.status == .pending }), let migration = early.migration,
           migration.version < highestVersion {
            throw CatalogError.outOfOrder(file: migration.file, version: early.version, highestApplied: highest.version)
        }
    }
}
