import Crypto
import Foundation
import LifeboatCore

extension FolderSnapshotStore {
    // MARK: - Listing

    // `list` and `stored` come from `SnapshotStore`, on top of `scan`: complete means `<id>.json`
    // parses, names `<id>` as its id and a payload `<id>.….gz` that exists; a missing folder has
    // no snapshots; `SnapshotError.cannotRead` when the folder exists but cannot be read.

    /// The complete snapshots and the damaged manifests (`<id>.json` files that do not load), newest
    /// first, so one damaged file can neither hide the others nor go unnoticed.
    /// - Parameter identity: only this database's; a damaged manifest whose database cannot be
    ///   read is kept, since it may be this database's.
    public func scan(identity: String?) throws -> SnapshotScan {
        var found: [(SnapshotID, StoredSnapshot)] = []
        var damaged: [(SnapshotID, DamagedManifest)] = []
        for name in try entries() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            guard let id = SnapshotNameCache.shared.id(String(name.dropLast(".json".count))) else { continue }
            let manifestPath = path(name)
            // Another database's manifest, already read in this process (a fleet): not read again.
            let stamp = identity == nil ? nil : ManifestIdentityCache.FileStamp(path: manifestPath)
            if let identity, let stamp,
               let known = ManifestIdentityCache.shared.identity(ofManifestAt: manifestPath, stamp: stamp),
               !DatabaseURL.sameIdentity(known, identity) { continue }
            do {
                let snapshot = try load(manifestAt: manifestPath, expectedID: id)
                if let stamp {
                    ManifestIdentityCache.shared.remember(snapshot.manifest.databaseIdentity, ofManifestAt: manifestPath, stamp: stamp)
                }
                guard identity.map({ DatabaseURL.sameIdentity(snapshot.manifest.databaseIdentity, $0) }) ?? true else { continue }
                found.append((id, snapshot))
            } catch let error as SnapshotError {
                if let identity, let other = Self.identityField(ofManifestAt: path(name)),
                   !DatabaseURL.sameIdentity(other, identity) { continue }
                damaged.append((id, DamagedManifest(file: path(name), reason: error.damageReason, id: id.rawValue)))
            }
        }
        return SnapshotScan(snapshots: found.sorted { $0.0 > $1.0 }.map(\.1),
                            damaged: damaged.sorted { $0.0 > $1.0 }.map(\.1))
    }

    /// The `database_identity` of a manifest that does not load as a whole, when it can be read.
    private static func identityField(ofManifestAt path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object[SnapshotManifest.FixedKey.databaseIdentity.rawValue] as? String
    }

    // MARK: - Resolving

    /// Finds the snapshot a user named.
    ///
    /// - `latest`: the newest complete snapshot of `identity` that is not a `pre-restore` one.
    /// - an id (`20261121T093000123Z-0003`): that snapshot in the folder, whatever database it
    ///   belongs to; `Lifeboat.chooseSnapshot` checks the database, `openVerified` the engine.
    /// - a path to a manifest (`….json`) or to its payload (`….gz`), anywhere.
    ///
    /// - Throws: `ConfigurationError.unknownSnapshot` (exit 2) when nothing of that name exists
    ///   (or no snapshot of `identity` for `latest`). For a snapshot that exists but is not whole
    ///   (exit 5): `SnapshotError.incomplete` for a payload given by path without a manifest next to
    ///   it (a leftover, named as such so the user knows why it is refused), `.missingPayload` for a
    ///   manifest whose payload is gone, `.badManifest` for a manifest that does not parse.
    public func resolve(_ reference: String, identity: String) throws -> StoredSnapshot {
        if reference == "latest" {
            guard let newest = try scan(identity: identity).latest else {
                throw ConfigurationError.unknownSnapshot(reference)
            }
            return newest
        }
        if let id = SnapshotID(reference) {
            let manifestPath = path(id.rawValue + ".json")
            guard FileManager.default.fileExists(atPath: manifestPath) else {
                throw ConfigurationError.unknownSnapshot(reference)
            }
            return try load(manifestAt: manifestPath, expectedID: id)
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: reference, isDirectory: &isFolder), !isFolder.boolValue else {
            throw ConfigurationError.unknownSnapshot(reference)
        }
        let reference = URL(fileURLWithPath: reference).standardizedFileURL.path
        let name = (reference as NSString).lastPathComponent
        let folder = (reference as NSString).deletingLastPathComponent
        let inFolder = { (file: String) in folder.isEmpty ? file : (folder as NSString).appendingPathComponent(file) }
        if name.hasSuffix(".json") {
            return try load(manifestAt: reference, expectedID: nil)
        }
        if name.hasSuffix(".gz"), let id = Self.snapshotID(inFileName: name), !name.hasPrefix(".") {
            let manifestPath = inFolder(id.rawValue + ".json")
            guard FileManager.default.fileExists(atPath: manifestPath) else {
                throw SnapshotError.incomplete(payload: reference)
            }
            let snapshot = try load(manifestAt: manifestPath, expectedID: id)
            guard snapshot.manifest.payload == name else { throw SnapshotError.incomplete(payload: reference) }
            return snapshot
        }
        if name.hasSuffix(".gz") { throw SnapshotError.incomplete(payload: reference) }
        throw ConfigurationError.unknownSnapshot(reference)
    }

    /// Reads a manifest and checks that its payload is beside it.
    ///
    /// The payload name must be a plain `<id>.<ext>.gz` in the same folder, so a hand-edited
    /// manifest cannot point restore at some other file.
    func load(manifestAt manifestPath: String, expectedID: SnapshotID?) throws -> StoredSnapshot {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: manifestPath))
        } catch {
            throw SnapshotError.cannotRead(path: manifestPath, reason: error.localizedDescription)
        }
        let manifest = try SnapshotStoreChecks.manifest(data, path: manifestPath, expectedID: expectedID)
        let folder = (manifestPath as NSString).deletingLastPathComponent
        let payloadPath = folder.isEmpty ? manifest.payload : (folder as NSString).appendingPathComponent(manifest.payload)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: payloadPath, isDirectory: &isFolder), !isFolder.boolValue else {
            throw SnapshotError.missingPayload(id: manifest.id, path: payloadPath)
        }
        return StoredSnapshot(manifest: manifest, manifestPath: manifestPath, payloadPath: payloadPath)
    }

    // MARK: - Verifying

    /// Checks a snapshot before anything is restored from it, and opens its payload.
    ///
    /// In order: the manifest format is one this code reads; the snapshot's engine is the target's;
    /// the payload's size and SHA-256 are the manifest's (the whole file is read once). The returned
    /// reader uses the very file descriptor that was hashed, so the file cannot be swapped between
    /// check and use, and it checks every member's CRC-32 and length as it streams.
    ///
    /// - Throws: `SnapshotError.unsupportedFormat`, `.engineMismatch` (naming both engines),
    ///   `.missingPayload`, `.cannotRead`, `.checksumMismatch` — all exit 5, database untouched.
    public func openVerified(_ snapshot: StoredSnapshot, expectedEngine: String) throws -> GzipReader {
        let manifest = snapshot.manifest
        try SnapshotStoreChecks.restorable(manifest, into: expectedEngine)
        let fd: Int32
        do {
            fd = try PosixFile.open(snapshot.payloadPath, flags: O_RDONLY)
        } catch let failure {
            if failure.code == ENOENT { throw SnapshotError.missingPayload(id: manifest.id, path: snapshot.payloadPath) }
            throw SnapshotError.cannotRead(path: snapshot.payloadPath, reason: failure.reason)
        }
        do {
            let (digest, size) = try Self.sha256(of: fd)
            guard size == manifest.compressedBytes, digest == manifest.sha256.lowercased() else {
                let actual = size == manifest.compressedBytes ? digest : "\(digest) (\(size) bytes, the manifest says \(manifest.compressedBytes))"
                throw SnapshotError.checksumMismatch(id: manifest.id, expected: manifest.sha256, actual: actual)
            }
            guard lseek(fd, 0, SEEK_SET) == 0 else {
                throw SnapshotError.cannotRead(path: snapshot.payloadPath, reason: "lseek failed: \(describeErrno(errno))")
            }
        } catch let failure as PosixFailure {
            try? PosixFile.close(fd)
            throw SnapshotError.cannotRead(path: snapshot.payloadPath, reason: failure.reason)
        } catch {
            try? PosixFile.close(fd)
            throw error
        }
        return try GzipReader(fileDescriptor: fd, path: snapshot.payloadPath, closeWhenDone: true)
    }

    /// SHA-256 (lower-case hex) and size of everything readable from `fd`, in 1 MiB reads.
    static func sha256(of fd: Int32) throws(PosixFailure) -> (String, Int64) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { buffer.deallocate() }
        var hasher = SHA256()
        var size: Int64 = 0
        while true {
            let count = try PosixFile.read(fd, into: buffer)
            if count == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            size += Int64(count)
        }
        return (hasher.finalize().map { String(format: "%02x", $0) }.joined(), size)
    }
}
