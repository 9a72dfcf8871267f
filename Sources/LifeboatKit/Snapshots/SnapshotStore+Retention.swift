import Foundation

extension SnapshotStore {
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

    /// Deletes what interrupted snapshots leave behind, for every database in the folder:
    /// engines' scratch files (`.lifeboat-scratch-…`), temporary files (`.<id>.….partial`) and payloads (`<id>.….gz`) with no `<id>.json` beside them.
    ///
    /// Only files named like snapshot files are touched. A payload whose manifest exists but does not
    /// parse is kept: it may be a damaged but recoverable backup, and a person should decide.
    /// Callers hold the run's lock, so no snapshot is being written meanwhile.
    /// - Returns: the file names removed, sorted.
    /// - Throws: `SnapshotError.cannotRead` / `.cannotWrite`.
    public func removeLeftovers() throws -> [String] {
        let names = try entries()
        let present = Set(names)
        var removed: [String] = []
        for name in names.sorted() {
            // Engines' temporary files (a SQLite backup copy, a decompressed restore, and SQLite's
            // journals beside them) left by a killed run.
            if name.hasPrefix(Self.scratchPrefix) {
                try remove(path(name))
                removed.append(name)
                continue
            }
            guard let id = Self.snapshotID(inFileName: name) else { continue }
            let isTemporary = name.hasPrefix(".") && name.hasSuffix(Self.partialSuffix)
            let isOrphanPayload = !name.hasPrefix(".") && name.hasSuffix(".gz") && !present.contains(id.rawValue + ".json")
            guard isTemporary || isOrphanPayload else { continue }
            try remove(path(name))
            removed.append(name)
        }
        if !removed.isEmpty { try syncFolder() }
        return removed
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
