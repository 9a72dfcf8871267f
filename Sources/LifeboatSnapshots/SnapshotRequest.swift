import Foundation
import LifeboatCore

/// What a snapshot is of, as its manifest will say it: everything `SnapshotStore.write` needs
/// besides the payload's bytes. One value, so that every store takes the same thing and builds the
/// same manifest from it (a store only adds where the bytes went and what they came to).
public struct SnapshotRequest: Sendable {
    /// `sqlite` or `postgres`.
    public var engine: String
    /// The payload's format, e.g. `sqlite` or `dump` (a leading `.` is ignored).
    public var payloadExtension: String
    /// The redacted URL, for people.
    public var database: String
    /// What tells databases apart in a shared store.
    public var identity: String
    public var schemaVersion: String?
    public var appliedCount: Int
    public var reason: SnapshotReason
    public var label: String?
    /// zlib level, 1…9.
    public var compressionLevel: Int
    /// Manifest keys ending in `_version`, e.g. `["sqlite_version": "3.45.1"]`.
    public var engineVersions: [String: String]
    public var toolVersion: String

    public init(engine: String, payloadExtension: String, database: String, identity: String, schemaVersion: String?,
                appliedCount: Int, reason: SnapshotReason, label: String?, compressionLevel: Int,
                engineVersions: [String: String], toolVersion: String) {
        self.engine = engine
        self.payloadExtension = payloadExtension
        self.database = database
        self.identity = identity
        self.schemaVersion = schemaVersion
        self.appliedCount = appliedCount
        self.reason = reason
        self.label = label
        self.compressionLevel = compressionLevel
        self.engineVersions = engineVersions
        self.toolVersion = toolVersion
    }

    /// The payload extension without a leading dot, once the level and the engine-version keys
    /// are checked.
    /// - Throws: `GzipError.invalidLevel` (exit 2), `SnapshotError.badEngineVersionKey`.
    public func checkedExtension() throws -> String {
        guard (1...9).contains(compressionLevel) else { throw GzipError.invalidLevel(compressionLevel) }
        for key in engineVersions.keys where !SnapshotManifest.isEngineVersionKey(key) {
            throw SnapshotError.badEngineVersionKey(key)
        }
        let ext = payloadExtension.hasPrefix(".") ? String(payloadExtension.dropFirst()) : payloadExtension
        precondition(!ext.isEmpty && !ext.contains("/"), "a payload extension is a plain word such as 'sqlite'")
        return ext
    }

    /// The manifest of this snapshot once its payload `payload` (a name beside the manifest) is
    /// stored as `summary` says, for a write that began at `started`.
    public func manifest(id: SnapshotID, payload: String, summary: GzipWriter.Summary,
                         started: ContinuousClock.Instant) -> SnapshotManifest {
        SnapshotManifest(
            id: id.rawValue, engine: engine, database: database, databaseIdentity: identity,
            createdAt: id.date, schemaVersion: schemaVersion, appliedCount: appliedCount,
            rawBytes: summary.rawBytes, compressedBytes: summary.compressedBytes, sha256: summary.sha256,
            compressionLevel: compressionLevel,
            durationMs: Int64(Timestamp.milliseconds(since: started)),
            reason: reason, label: label, toolVersion: toolVersion, payload: payload,
            engineVersions: engineVersions)
    }
}
