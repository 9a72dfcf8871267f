import Foundation
import LifeboatKit

/// A fresh, empty database of one engine for one test, and a way to see whether it changed.
public protocol ConformanceDatabase: AnyObject {
    /// The URL to hand to Lifeboat.
    var url: String { get }
    /// Everything a user could observe of the database (schema and ordered contents), for
    /// "nothing changed" checks.
    func fingerprint() throws -> String
    /// Runs SQL directly, outside Lifeboat (setting up hand-made changes).
    func execute(_ sql: String) throws
    /// The rows of a query as text, outside Lifeboat.
    func query(_ sql: String) throws -> [[String?]]
    /// Removes the database.
    func drop()
}

/// Makes fresh databases of one engine.
public protocol ConformanceEngine: Sendable {
    var name: String { get }
    func makeDatabase() throws -> ConformanceDatabase
}

/// A temporary folder of migration files.
public final class MigrationFolder {
    public let root: URL
    public var migrations: URL { root.appendingPathComponent("migrations") }
    public var backups: URL { root.appendingPathComponent("backups") }

    public init(_ files: [String: String] = [:]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-conf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
        for (name, text) in files { try write(name, text) }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    public func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: migrations.appendingPathComponent(name))
    }

    public func remove(_ name: String) throws {
        try FileManager.default.removeItem(at: migrations.appendingPathComponent(name))
    }

    /// The path of a migration file, as reports and errors name it.
    public func path(_ name: String) -> String { migrations.appendingPathComponent(name).path }
}
