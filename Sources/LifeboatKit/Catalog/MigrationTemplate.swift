import Foundation

/// Creates new migration files for `lifeboat new`.
public enum MigrationTemplate {
    /// Creates `<next version>_<description>.sql` in `directory` with up and down sections and
    /// returns its path. The version is the highest + 1, zero-padded to the existing width (4 digits
    /// in an empty folder), or a 14-digit UTC timestamp when `timestamp` is set.
    public static func create(in directory: String, description: String, timestamp: Bool, now: Date = Date()) throws -> String {
        fatalError("TODO(catalog): MigrationTemplate.create")
    }
}
