import Foundation

// The snapshot steps of a run (SPEC `migrate` steps 4 and 6) and the restore they share with
// `lifeboat restore`. Policy lives here; the engine only produces and consumes payload bytes.
extension Lifeboat {
    /// The snapshot store of this configuration (`Configuration.makeSnapshotStore`).
    /// - Throws: `ConfigurationError` (exit 2) for a location no store handles yet.
    public var snapshotStore: any SnapshotStore { get throws { try configuration.makeSnapshotStore() } }

    /// Takes a snapshot of `engine` now.
    /// - Throws: an error of category `.snapshot` (exit 5) whatever went wrong, so a failed
    ///   snapshot always stops a run before any migration.
    func takeSnapshot(of engine: DatabaseEngine, reason: SnapshotReason, schemaVersion: String?, appliedCount: Int,
                      label: String?) throws -> SnapshotManifest {
        // A SQLite snapshot's payload is the database file: its size is the total to expect.
        let total = engine.kind == .sqlite ? engine.url.path.flatMap(Self.fileSize) : nil
        let counter = SnapshotProgress(self.progress, phase: .snapshot, total: total)
        do {
            let request = SnapshotRequest(
                engine: engine.kind.rawValue, payloadExtension: engine.snapshotExtension, database: engine.url.redacted,
                identity: engine.identity, schemaVersion: schemaVersion, appliedCount: appliedCount, reason: reason,
                label: label, compressionLevel: configuration.compressionLevel, engineVersions: try engine.versionInfo(),
                toolVersion: ToolVersion.current)
            let manifest = try snapshotStore.write(request, progress: counter.isActive ? { counter.update($0) } : nil,
                                                   produce: { sink in _ = try withScratch { try engine.writeSnapshot(to: sink, scratch: $0) } })
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
    /// - Parameter verified: a reader `openChecked` already returned for it and nothing has read,
    ///   so a remote store's payload is not downloaded twice; nil opens one.
    func restore(_ snapshot: StoredSnapshot, into engine: DatabaseEngine, verified: GzipReader? = nil) throws {
        let reader = try verified ?? openChecked(snapshot, for: engine)
        defer { reader.close() }
        let source = ProgressSource(reader, total: snapshot.manifest.rawBytes, progress: progress)
        defer { source.finish() }
        do {
            try withScratch { try engine.restoreSnapshot(from: source, scratch: $0) }
        } catch let error as LifeboatError where error.category == .snapshot {
            throw error
        } catch {
            // Whatever failed during the restore step (a file, a child process) is a restore failure.
            throw EngineError.snapshotFailed("restoring snapshot \(snapshot.manifest.id) failed: \(EngineError.wrapping(error).description)")
        }
    }

    /// Puts in what `engine.checkSnapshot` staged of `snapshot` (restore's path with a safety
    /// snapshot), with the same error as `restore(_:into:verified:)`.
    func restore(_ staged: StagedSnapshot, of snapshot: StoredSnapshot, into engine: DatabaseEngine) throws {
        do {
            try engine.restoreStaged(staged)
        } catch let error as LifeboatError where error.category == .snapshot {
            throw error
        } catch {
            throw EngineError.snapshotFailed("restoring snapshot \(snapshot.manifest.id) failed: \(EngineError.wrapping(error).description)")
        }
    }

    /// The snapshot's payload for `engine`, checked against its manifest: streamed while it
    /// downloads when the engine stages the whole payload before it touches the database (the
    /// SHA-256 is then checked before the end of the stream), else checked before the first byte.
    func openChecked(_ snapshot: StoredSnapshot, for engine: DatabaseEngine) throws -> GzipReader {
        engine.stagesPayloadBeforeTouching
            ? try snapshotStore.openStreaming(snapshot, expectedEngine: engine.kind.rawValue)
            : try snapshotStore.openVerified(snapshot, expectedEngine: engine.kind.rawValue)
    }

    /// The size of the file at `path`, nil when it cannot be read. `stat` itself, not
    /// `FileManager.attributesOfItem`, which also looks up the owner's user and group names
    /// (reading `/etc/passwd` and `/etc/group`) on every snapshot of a fleet.
    static func fileSize(_ path: String) -> Int64? {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : nil
    }

    /// Step 6: put the pre-run snapshot back after a failed migration (or a rollback's).
    ///
    /// First commits the `restoring` marker (`HistoryRecord.restoringMarker`): the restore replaces
    /// the database, marker included, but a process killed during it leaves the marker, so the
    /// next `status` or `migrate` names the snapshot to put back instead of taking the
    /// half-migrated database for a good one.
    /// - Throws: `SnapshotError`/`EngineError` of category `.snapshot` (exit 5) saying what state
    ///   the database is in when the restore itself fails.
    func restoreAfterFailure(_ manifest: SnapshotManifest, into engine: DatabaseEngine, failure: EngineError) throws {
        do {
            let snapshot = try snapshotStore.resolve(manifest.id, identity: engine.identity)
            markRestoring(manifest.id, in: engine, failure: failure)
            try restore(snapshot, into: engine)
            logger.info("restored snapshot \(manifest.id) after the failure")
        } catch {
            throw EngineError.snapshotFailed("""
                a migration failed (\(failure.description)) and restoring snapshot \(manifest.id) failed too: \
                \(EngineError.wrapping(error).description). The database holds what this run committed before \
                the failure; restore it with `lifeboat restore \(manifest.id)` once the cause is fixed
                """)
        }
    }

    /// Deletes the snapshot of a run that failed without changing the database (its first
    /// migration failed inside its transaction): it equals the database, and each failed try would
    /// otherwise leave a full copy behind. A snapshot that cannot be deleted is only a warning.
    /// - Returns: whether it was deleted.
    func deleteUnneededSnapshot(_ manifest: SnapshotManifest) -> Bool {
        do {
            try snapshotStore.delete(manifest)
            logger.info("deleted snapshot \(manifest.id): the run changed nothing, so the database still equals it")
            return true
        } catch {
            logger.warning("could not delete the unneeded snapshot \(manifest.id): \(EngineError.wrapping(error).description)")
            return false
        }
    }

    /// Commits the `restoring` marker for a restore of `snapshotID`. A marker that cannot be
    /// written (the database refuses writes) does not stop the restore, which is what matters now.
    private func markRestoring(_ snapshotID: String, in engine: DatabaseEngine, failure: EngineError) {
        let table = configuration.historyTable
        do {
            try engine.ensureHistoryTable(table)
            try engine.insertHistory(.restoringMarker(snapshotID: snapshotID, failure: failure.description), into: table)
        } catch {
            logger.warning("could not record the restoring marker before restoring \(snapshotID): \(EngineError.wrapping(error).description)")
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
