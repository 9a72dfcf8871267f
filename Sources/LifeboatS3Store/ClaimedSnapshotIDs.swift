import Foundation
import LifeboatSnapshots

/// The snapshot ids this process has handed out per S3 location, so two snapshots taken at once
/// (a fleet's parallel targets sharing one store) never get the same one.
///
/// Why: an id is the snapshot's millisecond, picked from a listing of the prefix. S3 has no
/// `O_EXCL`: two targets that listed the prefix before either had uploaded, in the same
/// millisecond and at the same schema version, picked the same id, and the second upload replaced
/// the first's payload and manifest. (The folder store claims its ids with an exclusive file.)
/// Processes on other machines writing to the same prefix in the same millisecond are not
/// covered; a fleet split into shards writes each database from one machine only.
final class ClaimedSnapshotIDs: @unchecked Sendable {
    static let shared = ClaimedSnapshotIDs()
    private let lock = NSLock()
    /// Instants (`S3SnapshotStore.instantText`) handed out, by location.
    private var claimed: [String: Set<String>] = [:]

    /// The first id at or after `date` whose instant is neither `taken` (the listing) nor already
    /// handed out here for `location`; it is handed out by this call.
    func claim(in location: String, date: Date, schemaVersion: String?,
               instant: (SnapshotID) -> String, taken: (String) -> Bool) -> SnapshotID {
        lock.lock(); defer { lock.unlock() }
        var mine = claimed[location, default: []]
        let id = SnapshotID.unique(date: date, schemaVersion: schemaVersion) {
            let text = instant($0)
            return taken(text) || mine.contains(text)
        }
        mine.insert(instant(id))
        claimed[location] = mine
        return id
    }
}
