import Foundation

/// What `restore` did: the snapshot put back, the safety snapshot taken first, the version now.
public struct RestoreReport: Sendable, Codable {
    public var snapshot: SnapshotManifest
    /// The snapshot of the state just before the restore, so the restore can itself be undone.
    @JSONNull public var safetySnapshot: SnapshotManifest?
    /// The schema version the database is at after the restore.
    @JSONNull public var restoredVersion: String?
    public var totalMs: Int

}

/// What `snapshots` found: complete snapshots and damaged manifests, newest first.
public struct SnapshotListing: Sendable, Encodable {
    /// The target database, password hidden, as every report shows it (scripts print this
    /// rather than redacting the URL themselves).
    public var database: String
    public var snapshots: [SnapshotManifest]
    public var damaged: [DamagedManifest]
    /// The id `restore latest` would choose (SPEC: the newest that is not a `pre-restore`
    /// snapshot), so a script shows the binary's choice instead of re-implementing the rule;
    /// null when there is none, and with `--all` (where "latest" has no single database).
    @JSONNull public var latest: String?
}

/// What `prune` removed.
public struct PruneReport: Sendable, Codable {
    /// Ids of complete snapshots removed beyond `--keep`, oldest first.
    public var removed: [String]
    /// Leftovers of interrupted snapshots removed (partial files, payloads without a manifest).
    public var leftovers: [String]
    public var kept: Int
    /// PostgreSQL: scratch databases of `plan --rehearse-on copy` runs that were killed, dropped.
    public var scratchDatabases: [String] = []
}

extension Lifeboat {
    /// Where the store keeps a snapshot's payload: a path, or an `s3://` URL for a remote store.
    public func payloadLocation(of manifest: SnapshotManifest) throws -> String {
        try configuration.makeSnapshotStore().location(of: manifest.payload)
    }

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
        try snapshotListing(all: all).snapshots
    }

    /// `lifeboat snapshots` with the damaged manifests it must not skip in silence.
    /// - Throws: `ConfigurationError.databaseFileMissing` (exit 2) as `snapshots` does.
    public func snapshotListing(all: Bool) throws -> SnapshotListing {
        if !all { try requireExistingDatabase() }
        let scan = try snapshotStore.scan(identity: all ? nil : configuration.databaseURL.identity)
        return SnapshotListing(database: configuration.databaseURL.redacted, snapshots: scan.snapshots.map(\.manifest),
                               damaged: scan.damaged, latest: all ? nil : scan.latest?.manifest.id)
    }

    /// The snapshot `restore` would use, checked before anything is asked or changed, so the
    /// command can show it (and ask about it) first. Needs no connection.
    ///
    /// - Parameter reference: `latest` (the newest snapshot of the target that is not a
    ///   `pre-restore` one; damaged newer manifests are passed over with a warning), an id, or the
    ///   path of a manifest or payload.
    /// - Parameter force: allow a snapshot of another database of the same engine.
    /// - Throws: `ConfigurationError.unknownSnapshot` / `SnapshotChoiceError` (exit 2);
    ///   `SnapshotError.badManifest`, `.missingPayload`, `.engineMismatch` (exit 5).
    public func chooseSnapshot(_ reference: String, force: Bool = false) throws -> StoredSnapshot {
        let target = configuration.databaseURL
        let chosen: StoredSnapshot
        if reference == "latest" {
            let mine = try snapshotStore.scan(identity: target.identity)
            guard let latest = mine.latest else {
                let all = try snapshotStore.stored(identity: nil).count
                throw SnapshotChoiceError.noneForTarget(target: target.redacted, folder: try snapshotStore.description,
                                                        others: all - mine.snapshots.count, safetyOnly: mine.snapshots.count)
            }
            for damaged in mine.damaged(newerThan: latest) {
                logger.warning("passing over the damaged manifest \(damaged.file) (\(damaged.reason)); 'latest' is \(latest.id)")
            }
            chosen = latest
        } else {
            chosen = try snapshotStore.resolve(reference, identity: target.identity)
        }
        let manifest = chosen.manifest
        guard manifest.engine == target.engine.rawValue else {
            throw SnapshotError.engineMismatch(id: manifest.id, snapshotEngine: manifest.engine, targetEngine: target.engine.rawValue)
        }
        if !DatabaseURL.sameIdentity(manifest.databaseIdentity, target.identity) {
            guard force else {
                throw SnapshotChoiceError.otherDatabase(id: manifest.id, snapshotDatabase: manifest.database, target: target.redacted)
            }
            logger.warning("snapshot \(manifest.id) is of \(manifest.database), not of \(target.redacted); restoring it anyway (--force)")
        }
        return chosen
    }

    /// `lifeboat restore` by name: `chooseSnapshot`, then `restore(_:safetySnapshot:)`.
    public func restore(_ reference: String, safetySnapshot: Bool = true, force: Bool = false) throws -> RestoreReport {
        try restore(chooseSnapshot(reference, force: force), safetySnapshot: safetySnapshot)
    }

    /// `lifeboat restore`: verify the snapshot completely (manifest, engine, SHA-256, and the whole
    /// payload decompressed and checked by the engine) before anything else, so a broken one is
    /// refused without a safety snapshot left behind; take the safety snapshot of the current state;
    /// then restore all-or-nothing — from the copy the check staged when the engine keeps one
    /// (SQLite), so the payload is read (from S3: downloaded) once.
    /// - Throws: an error of category `.snapshot` (exit 5) when verification or the restore fails,
    ///   the database unchanged.
    public func restore(_ stored: StoredSnapshot, safetySnapshot: Bool = true) throws -> RestoreReport {
        let started = ContinuousClock.now
        // A deleted SQLite file may be recreated from its snapshot (SPEC).
        let engine = try openEngine(creating: true)
        defer { engine.close() }
        return try withLock(engine) {
            guard safetySnapshot else {
                try restore(stored, into: engine)
                return try restored(stored, safety: nil, engine: engine, since: started)
            }
            return try withScratch { scratch in
                // Only worth its cost when a safety snapshot would otherwise be left behind: the
                // restore itself checks everything before it changes the database.
                let reader = try openChecked(stored, for: engine)
                let staged: StagedSnapshot?
                do {
                    defer { reader.close() }
                    let source = ProgressSource(reader, total: stored.manifest.rawBytes, progress: progress)
                    defer { source.finish() }
                    staged = try engine.checkSnapshot(from: source, scratch: scratch)
                } catch {
                    let reason = (error as? LifeboatError)?.description ?? String(describing: error)
                    throw EngineError.snapshotFailed("snapshot \(stored.id) is damaged: \(reason); the database is unchanged and no safety snapshot was taken; choose another snapshot")
                }
                let (version, count) = try currentVersion(of: engine)
                let safety = try takeSnapshot(of: engine, reason: .preRestore, schemaVersion: version, appliedCount: count,
                                              label: "before restoring \(stored.manifest.id)")
                if let staged {
                    try restore(staged, of: stored, into: engine)
                } else {
                    try restore(stored, into: engine)
                }
                return try restored(stored, safety: safety, engine: engine, since: started)
            }
        }
    }

    /// The report of a restore that has put `stored` back.
    private func restored(_ stored: StoredSnapshot, safety: SnapshotManifest?, engine: DatabaseEngine,
                          since started: ContinuousClock.Instant) throws -> RestoreReport {
        let (restoredVersion, _) = try currentVersion(of: engine)
        logger.info("restored \(stored.manifest.id); the database is at version \(restoredVersion ?? "none")")
        return RestoreReport(snapshot: stored.manifest, safetySnapshot: safety, restoredVersion: restoredVersion,
                             totalMs: Timestamp.milliseconds(since: started))
    }

    /// `lifeboat prune`: delete snapshots of this database beyond `keep` and leftovers of
    /// interrupted snapshots, under the run lock so it never races a snapshot in progress.
    public func prune(keep: Int? = nil) throws -> PruneReport {
        let keep = keep ?? configuration.keep
        let engine = try openEngine()
        defer { engine.close() }
        return try withLock(engine, tidy: false) {
            let removed = try snapshotStore.prune(keep: keep, identity: engine.identity)
            let leftovers = try snapshotStore.removeLeftovers()
            return PruneReport(removed: removed, leftovers: leftovers, kept: keep,
                               scratchDatabases: dropLeftoverScratchDatabases(on: engine))
        }
    }

    /// The highest applied or baselined version and the number of such rows (a `restoring` marker
    /// is no migration).
    func currentVersion(of engine: DatabaseEngine) throws -> (String?, Int) {
        let applied = try engine.readHistory(configuration.historyTable).filter { $0.status == .applied || $0.status == .baseline }
        return (applied.last?.version, applied.count)
    }
}
