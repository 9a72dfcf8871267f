import Foundation

/// Every migration in the migrations folder, parsed and validated, in version order.
public struct MigrationCatalog: Sendable {
    /// The folder the migrations were read from.
    public let directory: String
    /// Sorted by version.
    public let migrations: [Migration]

    public init(directory: String, migrations: [Migration]) {
        self.directory = directory
        self.migrations = migrations
    }

    /// Reads and validates every migration in `directory`.
    /// - Throws: `ConfigurationError.missingMigrationsFolder` when the folder is missing;
    ///   `CatalogError` (exit 3) for bad names, duplicates, invalid UTF-8, empty up sections.
    public static func load(from directory: String) throws -> MigrationCatalog {
        fatalError("TODO(catalog): MigrationCatalog.load")
    }
}
