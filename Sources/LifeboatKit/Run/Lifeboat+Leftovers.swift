import Foundation

// Scratch files and the leftovers of dead runs (SPEC "Snapshots", v2): every temporary file is
// 0600 in a 0700 folder under the backups folder, and every writing command cleans up after
// runs that were killed, as `prune` does.
extension Lifeboat {
    /// Runs `body` with a fresh run folder for temporary files (`ScratchFolder`), removed after,
    /// whatever happens; a kill leaves it for the next writing command to remove.
    /// The scratch folder is local even when the store is remote (`SnapshotStore.scratchParent`).
    func withScratch<T>(_ body: (URL) throws -> T) throws -> T {
        let folder = try ScratchFolder(in: try snapshotStore.scratchParent)
        defer { folder.remove() }
        return try body(folder.url)
    }

    /// Called with the run lock held by every writing command: warns when the backups folder is
    /// open to others, and (with `removeLeftovers`) removes what dead runs left (scratch folders,
    /// partial snapshots, old passfiles). Never fails the command: what cannot be removed now is
    /// removed next time.
    func tidyBackupsFolder(removeLeftovers: Bool = true) {
        guard let store = try? snapshotStore else { return }
        // Permissions are a folder's matter; another store would have its own checks.
        if let folder = store as? FolderSnapshotStore {
            let directory = folder.directory
            var info = stat()
            guard stat(directory, &info) == 0 else { return }  // not created yet: nothing to tidy
            let mode = info.st_mode & 0o777
            if mode & 0o077 != 0 {
                logger.warning("the backups folder \(directory) can be \(mode & 0o022 != 0 ? "written" : "read") by other users (mode \(String(mode, radix: 8))) and holds whole copies of the database; make it private with `chmod 700 \(directory)`")
            }
        }
        guard removeLeftovers else { return }
        do {
            // Orphan payloads of another database's run may be a moment from their manifest.
            let removed = try store.removeLeftovers(minimumAge: 60)
            if !removed.isEmpty { logger.info("removed \(removed.count) leftover(s) of interrupted runs: \(removed.joined(separator: ", "))") }
        } catch {
            logger.warning("could not remove leftovers of interrupted runs: \(EngineError.wrapping(error).description)")
        }
    }
}
