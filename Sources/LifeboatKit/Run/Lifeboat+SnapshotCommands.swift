import Foundation

/// What `restore` did: the snapshot put back, the safety snapshot taken first, the version now.
public struct RestoreReport: Sendable, Codable {
    public var snapshot: SnapshotManifest
    /// The snapshot of the state just before the restore, so the restore can itself be undone.
    public var safetySnapshot: SnapshotManifest?
    /// The schema version the database is at after the restore.
    public var restoredVersion: String?
    public var totalMs: Int

    enum CodingKeys: String, CodingKey {
        case snapshot
        case safetySnapshot = "safety_snapshot"
        case restoredVersion = "restored_version"
        case totalMs = "total_ms"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(snapshot, forKey: .snapshot)
        try container.encode(safetySnapshot, forKey: .safetySnapshot)
        try container.encode(restoredVersion, forKey: .restoredVersion)
        try container.encode(totalMs, forKey: .totalMs)
    }
}

/// What `prune` removed.
public struct PruneReport: Sendable, Codable {
    /// Ids of complete snapshots removed beyond `--keep`, oldest first.
    public var removed: [String]
    /// Leftovers of interrupted snapshots removed (partial files, payloads without a manifest).
    public var leftovers: [String]
    public var kept: Int
}

extension Lifeboat {
    /// `lifeboat snapshot`: a manual snapshot now, under the run lock.
    public func snapshot(label: String?) throws -> SnapshotManifest {
        let engine = try openEngine()
        defer { engine.close() }
        return try withLock(engine) {
            let (version, count) = try currentVersion(of: engine)
            return try takeSnapshot(of: engine, reason: .manual, schemaVersion: version, appliedCount: count, label: label)
        }
    }

    /// `lifeboat snapshots`: complete snapshots of this database (or of every database with
    /// `all`), newest first. Needs no connection.
    /// - Throws: `ConfigurationError.databaseFileMissing` (exit 2) for a SQLite target that does
    ///   not exist (a mistyped path would otherwise list nothing, as if it had no snapshots).
    public func snapshots(all: Bool) throws -> [SnapshotManifest] {
        if !all { try requireExistingDatabase() }
        return try snapshotStore.list(identity: all ? nil : configuration.databaseURL.identity)
    }

    /// `lifeboat restore`: verify the snapshot (manifest, engine, SHA-256) before anything else,
    /// take a safety snapshot of the current state, then restore all-or-nothing.
    /// - Parameter reference: an id, `latest`, or the path of a manifest or payload.
    /// - Throws: `ConfigurationError.unknownSnapshot` (exit 2) for a name that is no complete
    ///   snapshot; an error of category `.snapshot` (exit 5) when verification or the restore
    ///   fails, the database unchanged.
    public func restore(_ reference: String, safetySnapshot: Bool = true) throws -> RestoreReport {
        let started = ContinuousClock.now
        // A deleted SQLite file may be recreated from its snapshot (SPEC).
        let engine = try openEngine(creating: true)
        defer { engine.close() }
        return try withLock(engine) {
            let stored = try snapshotStore.resolve(reference, identity: engine.identity)
            // Verify before touching anything (openVerified checks engine and SHA-256).
            try snapshotStore.openVerified(stored, expectedEngine: engine.kind.rawValue).close()
            var safety: SnapshotManifest?
            if safetySnapshot {
                let (version, count) = try currentVersion(of: engine)
                safety = try takeSnapshot(of: engine, reason: .preRestore, schemaVersion: version, appliedCount: count,
                                          label: "before restoring \(stored.manifest.id)")
            }
            try restore(stored, into: engine)
            let (restoredVersion, _) = try currentVersion(of: engine)
            logger.notice("restored \(stored.manifest.id); the database is at version \(restoredVersion ?? "none")")
            return RestoreReport(snapshot: stored.manifest, safetySnapshot: safety, restoredVersion: restoredVersion,
                                 totalMs: Timestamp.milliseconds(since: started))
        }
    }

    /// `lifeboat prune`: delete snapshots of this database beyond `keep` and leftovers of
    /// interrupted snapshots, under the run lock so it never races a snapshot in progress.
    public func prune(keep: Int? = nil) throws -> PruneReport {
        let keep = keep ?? configuration.keep
        let engine = try openEngine()
        defer { engine.close() }
        return try withLock(engine) {
            let removed = try snapshotStore.prune(keep: keep, identity: engine.identity)
            let leftovers = try snapshotStore.removeLeftovers()
            return PruneReport(removed: removed, leftovers: leftovers, kept: keep)
        }
    }

    /// The highest applied or baselined version and the number of such rows.
    func currentVersion(of engine: DatabaseEngine) throws -> (String?, Int) {
        let applied = try engine.readHistory(configuration.historyTable).filter { $0.status != .failed }
        return (applied.last?.version, applied.count)
    }
}
