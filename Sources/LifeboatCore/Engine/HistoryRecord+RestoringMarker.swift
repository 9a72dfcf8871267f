import Foundation

/// The `restoring` marker (SPEC "The history table", v2): a history row committed just before an
/// automatic restore (after a failed `migrate`) or a `rollback`'s restore puts a snapshot back.
///
/// A restore that completes replaces the whole database, the marker included, so the row vanishes
/// with it. A process killed during the restore leaves the row behind, and with it the one fact an
/// operator needs at that moment: the database holds what the failed run committed, and which
/// snapshot the interrupted restore was putting back.
extension HistoryRecord {
    /// The version the marker is stored under; never a migration's version (not digits).
    public static let restoringVersion = "restoring"

    /// The marker row for a restore of `snapshotID`.
    public static func restoringMarker(snapshotID: String, failure: String) -> HistoryRecord {
        HistoryRecord(version: restoringVersion, description: String(failure.prefix(200)), checksum: "",
                      status: .restoring, appliedAt: Timestamp.iso8601(Date()), executionMs: 0,
                      appliedBy: Timestamp.userAtHost, snapshotID: snapshotID)
    }

    /// Whether this row is the `restoring` marker rather than a migration's row.
    public var isRestoringMarker: Bool { status == .restoring }
}

extension Array where Element == HistoryRecord {
    /// The rows of migrations (applied, baseline, failed), without the `restoring` marker.
    public var migrationRows: [HistoryRecord] { filter { !$0.isRestoringMarker } }
}
