import Foundation

/// What `lifeboat drop` did.
public struct DropReport: Encodable, Sendable {
    /// The target, password redacted.
    public var database: String
    public var engine: String
    /// False when there was no database to drop (still a success, like dbmate's `drop`).
    public var dropped: Bool
    /// The snapshot taken just before the drop (null with `--no-snapshot` or when nothing existed).
    @JSONNull public var snapshot: SnapshotManifest?
}

extension Lifeboat {
    /// The label of the snapshot `drop` takes first. Its reason is `manual` (the SPEC's reasons
    /// are a closed list that other readers of manifests may check), so `restore latest` finds it.
    static let dropLabel = "before drop"

    /// `lifeboat drop`: removes the target database, like `dbmate drop`, but backup-first: a
    /// snapshot (reason `manual`, label "before drop") is taken under the run lock before anything is removed, unless
    /// `snapshot` is false. No backup, no drop: a failed snapshot leaves the database as it was.
    ///
    /// The lock is released before the drop itself (PostgreSQL cannot drop the database its
    /// own session is connected to); a run that starts in between finds no database.
    /// - Throws: `SnapshotStepError` (exit 5) when the snapshot fails; `EngineError.cannotOpen`
    ///   (exit 2) when the server refuses; `ProvisioningError.unsupported` for a factory without drop.
    public func drop(snapshot: Bool) throws -> DropReport {
        let url = configuration.databaseURL
        let provisioning = try provisioning()
        let options = configuration.engineOptions
        let report = { (dropped: Bool, manifest: SnapshotManifest?) in
            DropReport(database: url.redacted, engine: url.engine.rawValue, dropped: dropped, snapshot: manifest)
        }
        guard try provisioning.databaseExists(url, options: options) else {
            logger.info("nothing to drop: \(url.redacted) does not exist")
            return report(false, nil)
        }
        var manifest: SnapshotManifest?
        if snapshot {
            let engine = try openEngine()
            defer { engine.close() }
            manifest = try withLock(engine) {
                let (version, count) = try currentVersion(of: engine)
                return try takeSnapshot(of: engine, reason: .manual, schemaVersion: version, appliedCount: count, label: Self.dropLabel)
            }
        }
        let dropped = try provisioning.dropDatabase(url, options: options)
        logger.info("dropped \(url.redacted)")
        return report(dropped, manifest)
    }
}
