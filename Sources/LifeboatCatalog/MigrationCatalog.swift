import Foundation
import LifeboatCore

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
    ///
    /// Files are `<version>_<description>.sql` (Lifeboat or dbmate) or golang-migrate
    /// `<version>_<name>.up.sql` + `.down.sql` pairs. Other files, hidden files (`.…`) and
    /// sub-folders are ignored; an entry named like a migration must be a regular file (or a
    /// symlink to one). The folder is listed once and the files are parsed in parallel;
    /// problems are reported for the first
    /// offending file (bad names and duplicates in name order, then
    /// contents in version order).
    /// - Throws: `ConfigurationError.missingMigrationsFolder` when the folder is missing;
    ///   `CatalogError` (exit 3) for bad names, duplicates, invalid UTF-8, empty up sections,
    ///   unknown directives, a `.down.sql` without its `.up.sql`, an entry named like a migration
    ///   that is not a regular file, and the section rules of `MigrationParser`.
    public static func load(from directory: String) throws -> MigrationCatalog {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationError.missingMigrationsFolder(directory)
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw CatalogError.unreadableFile(file: directory, reason: error.localizedDescription)
        }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"

        // Group the files by numeric version, catching bad names and duplicates before reading.
        var groups: [MigrationVersion: FileGroup] = [:]
        groups.reserveCapacity(names.count)
        for name in names where MigrationFileName.isSQLFile(name) {
            let path = prefix + name
            guard let fileName = MigrationFileName(name) else { throw CatalogError.badFileName(file: path) }
            try groups[fileName.version, default: FileGroup()].add(fileName, path: path)
        }

        // Read and parse in parallel (files are independent); report the first problem in version order.
        let ordered = groups.sorted { $0.key < $1.key }.map(\.value)
        var results = [Result<Migration?, Error>](repeating: .success(nil), count: ordered.count)
        results.withUnsafeMutableBufferPointer { buffer in
            if ordered.count < 64 {
                for index in ordered.indices { buffer[index] = Result { try ordered[index].read() } }
                return
            }
            // Each index is written by exactly one worker, and read only after all have finished.
            nonisolated(unsafe) let slots = buffer
            // Chunks of consecutive groups, a few per core, keep the scheduling overhead small.
            let chunk = max(16, ordered.count / (ProcessInfo.processInfo.activeProcessorCount * 8))
            let chunks = (ordered.count + chunk - 1) / chunk
            DispatchQueue.concurrentPerform(iterations: chunks) { part in
                for index in (part * chunk)..<min((part + 1) * chunk, ordered.count) {
                    slots[index] = Result { try ordered[index].read() }
                }
            }
        }
        var migrations: [Migration] = []
        migrations.reserveCapacity(ordered.count)
        for result in results {
            if let migration = try result.get() { migrations.append(migration) }
        }
        return MigrationCatalog(directory: directory, migrations: migrations)
    }

    /// The migration with this version (numeric comparison: `2` finds `0002`).
    public func migration(version: String) -> Migration? {
        guard let wanted = MigrationVersion(version) else { return nil }
        return migrations.first { $0.version == wanted }
    }
}

/// The files of one version: a single file, or the halves of a golang-migrate pair.
private struct FileGroup: Sendable {
    var single: (name: MigrationFileName, path: String)?
    var up: (name: MigrationFileName, path: String)?
    var down: (name: MigrationFileName, path: String)?

    mutating func add(_ name: MigrationFileName, path: String) throws {
        let taken = [single?.path, up?.path, down?.path].compactMap { $0 }
        func duplicate() -> CatalogError {
            .duplicateVersion(version: name.version.text, files: (taken + [path]).sorted())
        }
        switch name.kind {
        case .single:
            guard taken.isEmpty else { throw duplicate() }
            single = (name, path)
        case .up:
            guard single == nil, up == nil else { throw duplicate() }
            up = (name, path)
        case .down:
            guard single == nil, down == nil else { throw duplicate() }
            down = (name, path)
        }
        if let up, let down, up.name.description != down.name.description || up.name.version.text != down.name.version.text {
            throw CatalogError.mismatchedPair(up: up.path, down: down.path)
        }
    }

    /// Reads and parses the group's files (each must be a regular file, see `SourceText.readFile`).
    func read() throws -> Migration? {
        if let single {
            return try MigrationParser.parse(try SourceText.readFile(atPath: single.path), file: single.path,
                                             version: single.name.version, description: single.name.description)
        }
        guard let up else {
            if let down {
                _ = try SourceText.readFile(atPath: down.path)
                throw CatalogError.downWithoutUp(file: down.path)
            }
            return nil
        }
        let raw = try SourceText.readFile(atPath: up.path)
        let downFile = try down.map { (path: $0.path, contents: try SourceText.readFile(atPath: $0.path)) }
        return try MigrationParser.parse(raw, file: up.path, version: up.name.version,
                                         description: up.name.description, downFile: downFile)
    }
}
