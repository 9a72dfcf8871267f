import LifeboatCore
/// A complete snapshot found on disk: its manifest and where its two files are.
public struct StoredSnapshot: Sendable, Equatable {
    public let manifest: SnapshotManifest
    /// Path of `<id>.json`.
    public let manifestPath: String
    /// Path of `<id>.<ext>.gz`.
    public let payloadPath: String

    public init(manifest: SnapshotManifest, manifestPath: String, payloadPath: String) {
        self.manifest = manifest
        self.manifestPath = manifestPath
        self.payloadPath = payloadPath
    }

    public var id: String { manifest.id }
}
