// Placeholder until the snapshot store lands (replaced by the snapshots branch).
public struct SnapshotManifest: Sendable, Codable, Equatable {
    public var id: String
}
