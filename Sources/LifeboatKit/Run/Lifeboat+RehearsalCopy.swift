import Foundation

/// Where `plan` rehearses (`--rehearse-on`).
public enum RehearsalPlace: String, Sendable, CaseIterable {
    /// On the target itself: PostgreSQL inside one transaction that is rolled back, SQLite on a
    /// file copy.
    case target
    /// PostgreSQL: in a scratch database on the same server made from a fresh snapshot of the
    /// target, dropped afterwards; it takes no lock on the target beyond the dump's.
    case copy
}

// `plan --rehearse-on copy` (SPEC "PostgreSQL lock safety"): the scratch database's life.
extension Lifeboat {
    /// Makes a scratch database from a fresh snapshot of `engine`'s database, runs `body` on it,
    /// and drops it afterwards — also when `body` or the copy fails, and on SIGINT/SIGTERM.
    /// - Throws: `RehearsalCopyError.createDatabaseNotAllowed` (exit 2) before anything is made
    ///   when the role lacks CREATEDB; snapshot and restore errors of the copy (exit 5).
    func withScratchCopy<T>(of engine: DatabaseEngine, on host: ScratchDatabaseHosting,
                            _ body: (DatabaseEngine) throws -> T) throws -> T {
        guard try host.mayCreateDatabases() else {
            throw RehearsalCopyError.createDatabaseNotAllowed(database: engine.url.redacted, role: engine.url.user)
        }
        let name = ScratchDatabaseName.fresh().text
        let (url, options, engines) = (configuration.databaseURL, configuration.engineOptions, self.engines)
        let watch = ScratchDatabaseGuard(name: name) {
            let other = try engines.open(url, options: options)
            defer { other.close() }
            try (other as? ScratchDatabaseHosting)?.dropScratchDatabase(named: name)
        }
        defer { watch.stop() }
        let copy = try host.createScratchDatabase(named: name)
        defer {
            copy.close()
            do {
                try host.dropScratchDatabase(named: name)
                logger.info("dropped the scratch database \(name)")
            } catch {
                logger.warning("could not drop the scratch database \(name) (`lifeboat prune` drops it): \(EngineError.wrapping(error).description)")
            }
        }
        logger.info("rehearsing in the scratch database \(name), made from a fresh snapshot of the target")
        try withScratch { folder in
            let path = folder.appendingPathComponent("rehearsal-copy.\(engine.snapshotExtension)").path
            let file = try ScratchFile(creating: path)
            _ = try engine.writeSnapshot(to: file, scratch: folder)
            try copy.restoreSnapshot(from: try ScratchFile(reading: path), scratch: folder)
        }
        return try body(copy)
    }

    /// `prune` on a server: drops the scratch databases of plans that are over (their process is
    /// gone from this host, or the copy is more than an hour old). Returns the names dropped.
    func dropLeftoverScratchDatabases(on engine: DatabaseEngine) -> [String] {
        guard let host = engine as? ScratchDatabaseHosting else { return [] }
        do {
            let leftovers = try host.databaseNames(startingWith: ScratchDatabaseName.prefix)
                .filter { ScratchDatabaseName($0)?.isLeftOver() == true }
            for name in leftovers {
                try host.dropScratchDatabase(named: name)
                logger.info("dropped the scratch database \(name), left by a plan that is over")
            }
            return leftovers
        } catch {
            logger.warning("could not drop leftover scratch databases: \(EngineError.wrapping(error).description)")
            return []
        }
    }
}

/// A private temporary file (0600) written as a snapshot's sink and read back as a restore's source.
final class ScratchFile: ByteSink, ByteSource {
    private let handle: FileHandle

    init(creating path: String) throws {
        try PrivateFile.create(path)
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    init(reading path: String) throws {
        handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    }

    deinit { try? handle.close() }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try handle.write(contentsOf: Data(bytes))
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let data = try handle.read(upToCount: buffer.count), !data.isEmpty else { return 0 }
        data.copyBytes(to: buffer)
        return data.count
    }
}
