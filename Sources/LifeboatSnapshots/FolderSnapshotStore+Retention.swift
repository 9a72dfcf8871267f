import Foundation
import LifeboatCore

extension FolderSnapshotStore {
    /// Deletes the snapshots of `identity` beyond the newest `keep`; other databases' snapshots in
    /// a shared folder are left alone.
    ///
    /// Each snapshot's manifest is removed before its payload, so an interruption leaves at worst a
    /// payload without a manifest: a leftover, never a listed snapshot with a missing payload.
    /// - Parameter keep: how many to keep; 0 removes them all (negative counts as 0).
    /// - Returns: the ids removed, oldest first.
    /// - Throws: `SnapshotError.cannotWrite` when a file cannot be removed; those before it are gone.
    public func prune(keep: Int, identity: String) throws -> [String] {
        let doomed = try stored(identity: identity).dropFirst(max(keep, 0)).reversed()
        var removed: [String] = []
        for snapshot in doomed {
            try remove(snapshot.manifestPath)
            try remove(snapshot.payloadPath)
            removed.append(snapshot.id)
        }
        if !removed.isEmpty { try syncFolder() }
        return removed
    }

    /// Deletes one snapshot of this folder, manifest first (as `prune` does), e.g. the snapshot of a
    /// `migrate` run that failed without changing the database, which still equals it.
    /// - Throws: `SnapshotError.cannotWrite` when a file cannot be removed.
    public func delete(_ manifest: SnapshotManifest) throws {
        try remove(path(manifest.id + ".json"))
        try remove(path(manifest.payload))
        try syncFolder()
    }

    /// Deletes what interrupted snapshots and killed runs leave behind, for every database in the
    /// folder: the scratch folders of dead runs (`ScratchFolder.removeDead`), engines' scratch
    /// files and passfiles or `pg_dump` error logs of earlier versions (`.lifeboat-scratch-…`,
    /// `lifeboat-pgpass-…`, `lifeboat-….stderr`), temporary files (`.<id>.….partial`) and payloads
    /// (`<id>.….gz`) with no `<id>.json` beside them.
    ///
    /// Only files named like those are touched. A payload whose manifest exists but does not
    /// parse is kept: it may be a damaged but recoverable backup, and a person should decide.
    /// Callers hold their database's run lock; a run of *another* database sharing the folder may
    /// be writing, so a `.partial` file whose writer still holds its `flock` is left alone, and
    /// so is an orphan payload younger than `minimumAge` seconds (its manifest may be on its way).
    /// - Returns: the file names removed, sorted.
    /// - Throws: `SnapshotError.cannotRead` / `.cannotWrite`.
    public func removeLeftovers(minimumAge: TimeInterval) throws -> [String] {
        var removed = ScratchFolder.removeDead(in: directory)
        let names = try entries()
        let present = Set(names)
        for name in names.sorted() {
            // Engines' temporary files (a SQLite backup copy, a decompressed restore, and SQLite's
            // journals beside them) and secrets or logs of children, left by earlier versions.
            if name.hasPrefix(Self.scratchPrefix) || name.hasPrefix("lifeboat-pgpass-")
                || (name.hasPrefix("lifeboat-") && name.hasSuffix(".stderr")) {
                try remove(path(name))
                removed.append(name)
                continue
            }
            guard let id = Self.snapshotID(inFileName: name) else { continue }
            let isTemporary = name.hasPrefix(".") && name.hasSuffix(Self.partialSuffix)
            let isOrphanPayload = !name.hasPrefix(".") && name.hasSuffix(".gz") && !present.contains(id.rawValue + ".json")
            guard isTemporary || isOrphanPayload else { continue }
            if isTemporary, isBeingWritten(path(name)) { continue }
            if isOrphanPayload, minimumAge > 0, let modified = modificationDate(path(name)),
               Date().timeIntervalSince(modified) < minimumAge { continue }
            try remove(path(name))
            removed.append(name)
        }
        if !removed.isEmpty { try syncFolder() }
        return removed.sorted()
    }

    /// Whether a live writer holds the `flock` that `write` keeps on its temporary files.
    private func isBeingWritten(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return flock(descriptor, LOCK_EX | LOCK_NB) != 0
    }

    private func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    private func remove(_ path: String) throws {
        do {
            try PosixFile.unlink(path)
        } catch {
            throw SnapshotError.cannotWrite(path: path, reason: error.reason)
        }
    }

    private func syncFolder() throws {
        do {
            try PosixFile.syncDirectory(directory)
        } catch {
            throw SnapshotError.cannotWrite(path: directory, reason: error.reason)
        }
    }
}
