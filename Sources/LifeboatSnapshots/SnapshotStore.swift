import Foundation
import LifeboatCore

/// Where snapshots live, as Run sees it: the operations a run needs, whatever holds the files.
///
/// `FolderSnapshotStore` (the backups folder) is the implementation today; issue 12's S3 store is
/// meant to be the second, and to pass the same conformance suite
/// (`Tests/LifeboatKitTests/SnapshotStoreConformance.swift`). Every implementation keeps the
/// SPEC's "Snapshots" promises: a snapshot is listed only once complete, ids order by time, a
/// payload is verified (manifest, engine, SHA-256) before a byte is handed out, and the errors
/// are `SnapshotError`s / `GzipError`s of category `.snapshot` (exit 5) unless said otherwise.
public protocol SnapshotStore: Sendable {
    /// Where the store is, for messages (a folder's absolute path).
    var description: String { get }

    /// The local folder under which a run makes its `ScratchFolder` for engines' temporary files.
    /// Local even when the store is remote: engines (`pg_dump`, SQLite's backup API) write files,
    /// not objects, and scratch files never leave the machine.
    var scratchParent: String { get }

    /// Where the store keeps the file or object `name` (a payload or manifest), as a user would
    /// name it: an absolute path, or `s3://BUCKET/PREFIX/NAME`.
    func location(of name: String) -> String

    /// Takes a snapshot of what `request` describes: `produce` writes the raw payload into the
    /// sink, which compresses it; the manifest (`request.manifest`) is published last, so a
    /// failure (including one of `produce`, rethrown unchanged) leaves nothing listed.
    /// `progress` gets the raw bytes produced so far, on the writing thread, about once per MiB.
    func write(
        _ request: SnapshotRequest,
        progress: ((Int64) -> Void)?,
        produce: (ByteSink) throws -> Void
    ) throws -> SnapshotManifest

    /// The complete snapshots and the damaged manifests, newest first.
    /// - Parameter identity: only this database's (`DatabaseURL.sameIdentity`); nil for all.
    func scan(identity: String?) throws -> SnapshotScan

    /// A snapshot of `identity` by id, unique id prefix, or `latest`.
    /// - Throws: `ConfigurationError.unknownSnapshot` (exit 2) when nothing or several match.
    func resolve(_ reference: String, identity: String) throws -> StoredSnapshot

    /// A reader of the snapshot's raw payload, after checking its manifest, its engine and its
    /// SHA-256 against the stored payload.
    func openVerified(_ snapshot: StoredSnapshot, expectedEngine: String) throws -> GzipReader

    /// As `openVerified`, for a consumer that reads the whole payload into scratch before it
    /// touches any database (`DatabaseEngine.stagesPayloadBeforeTouching`): a remote store may
    /// return before the payload has all arrived and hand out bytes as they do, so decompressing
    /// overlaps the download; the SHA-256 is still checked before the reader reports the end of
    /// the stream, and a mismatch is thrown from `read` (as any other damage found on the way).
    /// The default is `openVerified`.
    func openStreaming(_ snapshot: StoredSnapshot, expectedEngine: String) throws -> GzipReader

    /// Removes one snapshot, manifest first, so it is never half listed.
    func delete(_ manifest: SnapshotManifest) throws

    /// Keeps the newest `keep` snapshots of `identity` and deletes the others.
    /// - Returns: the ids deleted.
    func prune(keep: Int, identity: String) throws -> [String]

    /// Removes what interrupted runs left: partial snapshots, orphan payloads, dead scratch folders
    /// older than `minimumAge` seconds; never what a live run is writing.
    /// - Returns: what was removed, for the log.
    func removeLeftovers(minimumAge: TimeInterval) throws -> [String]
}

extension SnapshotStore {
    public func openStreaming(_ snapshot: StoredSnapshot, expectedEngine: String) throws -> GzipReader {
        try openVerified(snapshot, expectedEngine: expectedEngine)
    }

    /// The complete snapshots, newest first; damaged manifests are left out (see `scan`).
    public func list(identity: String?) throws -> [SnapshotManifest] {
        try stored(identity: identity).map(\.manifest)
    }

    /// `list`, with where each snapshot's files are.
    public func stored(identity: String?) throws -> [StoredSnapshot] {
        try scan(identity: identity).snapshots
    }

    /// `removeLeftovers(minimumAge:)` of everything, however young: what `prune` does.
    public func removeLeftovers() throws -> [String] {
        try removeLeftovers(minimumAge: 0)
    }
}
