import Foundation

// Snapshot steps of a run (SPEC `migrate` steps 4 and 6). Placeholder until the snapshot store lands.
extension Lifeboat {
    func takeSnapshot(of engine: DatabaseEngine, reason: String, schemaVersion: String?, appliedCount: Int,
                      label: String?) throws -> SnapshotManifest? {
        nil
    }

    func restoreAfterFailure(_ snapshot: SnapshotManifest, into engine: DatabaseEngine, failure: EngineError) throws {}

    func latestSnapshot(of engine: DatabaseEngine) throws -> SnapshotManifest? { nil }

    func pruneSnapshots(of engine: DatabaseEngine) throws -> [String] { [] }
}
