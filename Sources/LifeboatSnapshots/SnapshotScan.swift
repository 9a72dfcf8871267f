import LifeboatCore
/// What one read of the backups folder found: the complete snapshots and the damaged manifests,
/// each newest first.
public struct SnapshotScan: Sendable {
    public var snapshots: [StoredSnapshot]
    public var damaged: [DamagedManifest]

    /// For stores in other modules (the S3 store): both lists newest first.
    public init(snapshots: [StoredSnapshot], damaged: [DamagedManifest]) {
        self.snapshots = snapshots
        self.damaged = damaged
    }

    /// What `latest` means (SPEC "Snapshots"): the newest snapshot that is not a `pre-restore`
    /// safety snapshot, so restoring `latest` twice never brings back what the first restore replaced.
    public var latest: StoredSnapshot? {
        snapshots.first { $0.manifest.reason != .preRestore }
    }

    /// Damaged manifests newer than `snapshot`: what `latest` passed over.
    public func damaged(newerThan snapshot: StoredSnapshot) -> [DamagedManifest] {
        guard let chosen = SnapshotID(snapshot.id) else { return [] }
        return damaged.filter { SnapshotID($0.id).map { $0 > chosen } ?? false }
    }
}
