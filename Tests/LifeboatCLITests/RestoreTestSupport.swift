import Foundation
import TestSupport
import Testing

/// A database of either engine with the example migrations and its own backups folder, driven
/// through the real binary, for the restore and snapshot-choice tests.
final class RestoreSetup {
    let repository: ScratchRepository
    let database: ScriptDatabase

    var migrations: String { repository.path("migrations") }
    var backups: String { repository.path("backups") }

    init(_ engine: ScriptEngine) throws {
        repository = try ScratchRepository()
        database = try ScriptDatabase(engine, in: repository)
    }

    /// `lifeboat ARGS…` on this database (or on `url`), from the scratch repository's caller folder.
    func run(_ arguments: [String], url: String? = nil) throws -> LifeboatBinary.Result {
        try LifeboatBinary.run(arguments, in: repository.caller,
                               environment: ["DATABASE_URL": url ?? database.url, "LIFEBOAT_MIGRATIONS": migrations,
                                             "LIFEBOAT_BACKUPS": backups, "LIFEBOAT_PG_BIN": PostgresServer.binDirectory ?? ""])
    }

    func version() throws -> String? {
        try database.currentVersion(migrations: migrations, backups: backups)
    }

    /// The manifests in the backups folder, parsed, by id.
    func manifests() throws -> [String: [String: Any]] {
        var found: [String: [String: Any]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: backups) where name.hasSuffix(".json") {
            let data = try Data(contentsOf: URL(fileURLWithPath: backups + "/" + name))
            if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                found[String(name.dropLast(".json".count))] = object
            }
        }
        return found
    }

    /// Ids of the manifests whose reason is `reason`.
    func ids(reason: String) throws -> Set<String> {
        Set(try manifests().filter { $0.value["reason"] as? String == reason }.keys)
    }
}
