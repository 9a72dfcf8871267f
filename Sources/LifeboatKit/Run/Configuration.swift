import Foundation

/// Everything a run needs to know about where things are, with the SPEC's defaults.
///
/// The CLI fills it from flags, then environment variables, then these defaults; an application
/// that migrates itself at start-up builds one directly.
public struct Configuration: Sendable {
    public static let defaultDatabaseURL = "sqlite:app.sqlite"

    public var databaseURL: DatabaseURL
    /// The migrations folder (default `migrations`).
    public var migrationsDirectory: String
    /// The snapshot store's location: a folder (default `backups`); see `makeSnapshotStore`.
    public var backupsDirectory: String
    public var historyTable: HistoryTable
    /// Seconds to wait for another run's lock; 0 fails at once.
    public var lockTimeout: Double
    /// Snapshots of this database kept after a successful run.
    public var keep: Int
    /// zlib level 1–9 for snapshots.
    public var compressionLevel: Int
    public var engineOptions: EngineOptions

    /// - Throws: `ConfigurationError` for a bad URL, table name, backups location, timeout, keep or level.
    public init(databaseURL: String = Configuration.defaultDatabaseURL, migrationsDirectory: String = "migrations",
                backupsDirectory: String = "backups", historyTable: String = HistoryTable.defaultName,
                lockTimeout: Double = 60, keep: Int = 10, compressionLevel: Int = 6,
                engineOptions: EngineOptions = EngineOptions()) throws {
        self.databaseURL = try DatabaseURL(databaseURL)
        self.migrationsDirectory = migrationsDirectory
        try Self.checkBackupsLocation(backupsDirectory)
        self.backupsDirectory = backupsDirectory
        self.historyTable = try HistoryTable(historyTable)
        guard lockTimeout >= 0, lockTimeout.isFinite else {
            throw ConfigurationError.badOption(flag: "--lock-timeout", value: "\(lockTimeout)", reason: "use a number of seconds ≥ 0")
        }
        guard keep >= 0 else {
            throw ConfigurationError.badOption(flag: "--keep", value: "\(keep)", reason: "use a count ≥ 0")
        }
        guard (1...9).contains(compressionLevel) else {
            throw ConfigurationError.badOption(flag: "--compression-level", value: "\(compressionLevel)", reason: "use a zlib level from 1 to 9")
        }
        self.lockTimeout = lockTimeout
        self.keep = keep
        self.compressionLevel = compressionLevel
        self.engineOptions = engineOptions
    }
}
