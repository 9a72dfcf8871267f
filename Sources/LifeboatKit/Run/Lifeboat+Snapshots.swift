import Foundation

// The snapshot steps of a run (SPEC `migrate` steps 4 and 6) and the restore they share with
// `lifeboat restore`. Policy lives here; the engine only produces and consumes payload bytes.
extension Lifeboat {
    /// The snapshot folder of this configuration.
    public var snapshotStore: SnapshotStore { SnapshotStore(directory: configuration.backupsDirectory) }

    /// Temporary files of engines (a SQLite backup copy, a decompressed restore) go beside the
    /// snapshots, on the same file system, never in the database's folder.
    var scratch: URL { URL(fileURLWithPath: configuration.backupsDirectory) }

    /// Takes a snapshot of `engine` now.
    /// - Throws: an error of category `.snapshot` (exit 5) whatever went wrong, so a failed
    ///   snapshot always stops a run before any migration.
    func takeSnapshot(of engine: DatabaseEngine, reason: SnapshotReason, schemaVersion: String?, appliedCount: Int,
                      label: String?) throws -> SnapshotManifest {
        // A SQLite snapshot's payload is the database file: its size is the total to expect.
        let total = engine.kind == .sqlite ? engine.url.path.flatMap(Self.fileSize) : nil
        let counter = SnapshotProgress(self.progress, phase: .snapshot, total: total)
        do {
            let manifest = try snapshotStore.write(
                engine: engine.kind.rawValue, extension: engine.snapshotExtension, database: engine.url.redacted,
                identity: engine.identity, schemaVersion: schemaVersion, appliedCount: appliedCount, reason: reason,
                label: label, compressionLevel: configuration.compressionLevel, engineVersions: try engine.versionInfo(),
                toolVersion: ToolVersion.current, progress: counter.isActive ? { counter.update($0) } : nil,
                produce: { sink in _ = try engine.writeSnapshot(to: sink, scratch: scratch) })
            counter.finish(done: manifest.rawBytes, total: manifest.rawBytes)
            logger.info("snapshot \(manifest.id): \(ByteCount.format(manifest.rawBytes)) → \(ByteCount.format(manifest.compressedBytes)) in \(manifest.durationMs) ms")
            return manifest
        } catch let error as LifeboatError where error.category == .snapshot {
            counter.finish()
            throw error
        } catch {
            counter.finish()
            throw EngineError.snapshotFailed("the snapshot of \(engine.url.redacted) failed: \(EngineError.wrapping(error).description)")
        }
    }

    /// Streams a verified snapshot into `engine`. The store checks the manifest, the engine and
    /// the SHA-256 before a byte reaches the engine; the engine restores all-or-nothing.
    func restore(_ snapshot: StoredSnapshot, into engine: DatabaseEngine) throws {
        let reader = try snapshotStore.openVerified(snapshot, expectedEngine: engine.kind.rawValue)
        defer { reader.close() }
        let source = ProgressSource(reader, total: snapshot.manifest.rawBytes, progress: progress)
        defer { source.finish() }
        try engine.restoreSnapshot(from: source, scratch: scratch)
    }

    /// The size of the file at `path`, nil when it cannot be read.
    static func fileSize(_ path: String) -> Int64? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
    }

    /// Step 6: put the pre-run snapshot back after a failed migration.
    /// - Throws: `SnapshotError`/`EngineError` of category `.snapshot` (exit 5) saying what state
    ///   the database is in when the restore itself fails.
    func restoreAfterFailure(_ manifest: SnapshotManifest, into engine: DatabaseEngine, failure: EngineError) throws {
        do {
            let snapshot = try snapshotStore.resolve(manifest.id, identity: engine.identity)
            try restore(snapshot, into: engine)
            logger.notice("restored snapshot \(manifest.id) after the failure")
        } catch {
            throw EngineError.snapshotFailed("""
                a migration failed (\(failure.description)) and restoring snapshot \(manifest.id) failed too: \
                \(EngineError.wrapping(error).description). The database holds what this run committed before \
                the failure; restore it with `lifeboat restore \(manifest.id)` once the cause is fixed
                """)
        }
    }

    /// The newest complete snapshot of this database, nil when there is none.
    func latestSnapshot(of engine: DatabaseEngine) throws -> SnapshotManifest? {
        try snapshotStore.list(identity: engine.identity).first
    }

    /// Step 7: keep the newest `--keep` snapshots of this database. The migrations are already
    /// committed, so a folder that cannot be pruned is a warning, not a failed run.
    func pruneSnapshots(of engine: DatabaseEngine) -> [String] {
        do {
            let removed = try snapshotStore.prune(keep: configuration.keep, identity: engine.identity)
            if !removed.isEmpty { logger.info("pruned \(removed.count) old snapshot(s)") }
            return removed
        } catch {
            logger.warning("could not prune old snapshots: \(EngineError.wrapping(error).description)")
            return []
        }
    }
}
