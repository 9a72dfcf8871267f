import Foundation
import LifeboatCore

/// Creates new migration files for `lifeboat new`.
public enum MigrationTemplate {
    /// Creates `<next version>_<description>.sql` in `directory` with up and down sections and
    /// returns its path. The version is the highest + 1, zero-padded to the existing width (4 digits
    /// in an empty folder), or a 14-digit UTC timestamp (`YYYYMMDDHHMMSS`) when `timestamp` is set
    /// (when that is not above the highest existing version, the highest + 1 instead, so two files
    /// made in the same second still sort in creation order). The folder is created when missing.
    /// - Throws: `ConfigurationError.badOption` for a description that is not letters, digits, `_`
    ///   and `-`; `CatalogError.fileExists` rather than overwrite a file; file system errors.
    public static func create(in directory: String, description: String, timestamp: Bool, now: Date = Date()) throws -> String {
        guard MigrationFileName.isValidDescription(description) else {
            throw ConfigurationError.badOption(flag: "description", value: description,
                                               reason: "use letters, digits, '_' and '-' only, e.g. add_users")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let existing = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter(MigrationFileName.isSQLFile)
            .compactMap { MigrationFileName($0)?.version }
            .max()

        let version: String
        if timestamp {
            let stamp = utcTimestamp(now)
            if let existing, MigrationVersion(stamp)! <= existing {
                version = pad(increment(existing.numeric), to: 14)
            } else {
                version = stamp
            }
        } else if let existing {
            version = pad(increment(existing.numeric), to: existing.text.count)
        } else {
            version = "0001"
        }

        let name = "\(version)_\(description).sql"
        let path = (directory.hasSuffix("/") ? directory : directory + "/") + name
        let contents = """
            -- \(name)
            -- Migration: \(description)
            -- Write the change after `-- lifeboat:up`; it runs in one transaction together with its history row.
            -- For statements that cannot run in a transaction (PostgreSQL CREATE INDEX CONCURRENTLY), add
            -- `-- lifeboat:no-transaction` above `-- lifeboat:up`. Optional: a `-- lifeboat:verify` section
            -- of queries that must return true after the change.

            -- lifeboat:up


            -- lifeboat:down
            -- Undo the change (what `lifeboat rollback` runs). Leave it empty for a no-op; remove this
            -- section if the change cannot be undone.


            """
        try writeNewFile(contents, to: path)
        return path
    }

    /// Writes `contents` to `path`, which must not exist yet.
    /// - Throws: `CatalogError.fileExists` instead of overwriting; file system errors.
    static func writeNewFile(_ contents: String, to path: String) throws {
        do {
            try Data(contents.utf8).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
        } catch {
            if FileManager.default.fileExists(atPath: path) { throw CatalogError.fileExists(file: path) }
            throw error
        }
    }

    /// `YYYYMMDDHHMMSS` in UTC.
    static func utcTimestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return pad(String(c.year!), to: 4) + [c.month!, c.day!, c.hour!, c.minute!, c.second!]
            .map { pad(String($0), to: 2) }.joined()
    }

    /// Adds one to a string of decimal digits of any length.
    static func increment(_ digits: String) -> String {
        var bytes = Array(digits.utf8)
        var index = bytes.count - 1
        while index >= 0 {
            if bytes[index] == UInt8(ascii: "9") {
                bytes[index] = UInt8(ascii: "0")
                index -= 1
            } else {
                bytes[index] += 1
                return String(decoding: bytes, as: UTF8.self)
            }
        }
        return "1" + String(decoding: bytes, as: UTF8.self)
    }

    private static func pad(_ digits: String, to width: Int) -> String {
        digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
