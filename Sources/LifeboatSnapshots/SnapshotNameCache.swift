import Foundation

/// The snapshot id each file name of the backups folder parses to, remembered for the process.
///
/// Why: a fleet lists one shared folder several times per target (leftovers, a free id, the
/// scan, retention), and at 400 tenants parsing the same hundreds of names again each time
/// (`timegm`, formatting the id back) was a few per cent of the whole fleet's CPU. A name's id is
/// a pure function of the name, so the memo can never be stale; it is emptied when it reaches
/// `capacity` names, so memory stays bounded whatever the folder holds.
final class SnapshotNameCache: @unchecked Sendable {
    static let shared = SnapshotNameCache()
    /// About 200 bytes per name: a few MB at most.
    static let capacity = 20_000

    private let lock = NSLock()
    private var ids: [String: SnapshotID?] = [:]

    /// `SnapshotID(name)`, parsed once per distinct name.
    func id(_ text: String) -> SnapshotID? {
        lock.lock()
        if let known = ids[text] {
            lock.unlock()
            return known
        }
        lock.unlock()
        let parsed = SnapshotID(text)
        lock.lock(); defer { lock.unlock() }
        if ids.count >= Self.capacity { ids.removeAll(keepingCapacity: true) }
        ids[text] = .some(parsed)
        return parsed
    }

    /// How many names are remembered, for tests.
    var count: Int {
        lock.lock(); defer { lock.unlock() }
        return ids.count
    }
}
