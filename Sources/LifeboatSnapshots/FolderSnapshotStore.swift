import Foundation
import LifeboatCore

/// The `SnapshotStore` over a local backups folder: writes snapshots atomically, finds them, verifies them, and prunes them.
///
/// A snapshot is two files (SPEC "Snapshots"): the payload `<id>.<ext>.gz` and the manifest
/// `<id>.json`. The manifest is written last, so its presence is what makes a snapshot complete: a
/// crash at any moment leaves either a complete snapshot or leftovers that are never listed nor
/// restored, and that `removeLeftovers()` deletes. The store knows nothing of databases: the caller
/// says which engine, database and identity a snapshot belongs to, and produces the raw bytes.
///
/// Facets: `FolderSnapshotStore+Reading.swift` (list, resolve, verify), `FolderSnapshotStore+Retention.swift`
/// (prune, leftovers). Callers hold the run's lock, so no two stores write one folder at once; ids
/// are still claimed with `O_EXCL` so that even a racing writer cannot share one.
public struct FolderSnapshotStore: SnapshotStore {
    /// The backups folder, made absolute.
    public let directory: String
    /// Where `write` gets the time for ids and `created_at`; tests pin it.
    let clock: @Sendable () -> Date

    /// Suffix of the temporary names payloads and manifests are written under before their rename.
    static let partialSuffix = ".partial"
    /// How earlier versions' engines named their temporary files in the backups folder, so `prune`
    /// can still remove the ones a killed run left behind. Engines now write in the run's own
    /// `ScratchFolder`, which Run hands them, and name no Snapshots type (issue 11).
    public static let scratchPrefix = ".lifeboat-scratch-"

    /// - Parameter clock: the time source for snapshot ids; the default is the system clock.
    public init(directory: String, clock: @escaping @Sendable () -> Date = { Date() }) {
        // Absolute from the start: Foundation's path functions crash on some one-character
        // relative paths (`b`), and messages are clearer with the full path.
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
        self.clock = clock
    }

    public init(directory: URL, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.init(directory: directory.path, clock: clock)
    }

    /// The folder's absolute path.
    public var description: String { directory }

    /// `<folder>/<name>` (`path`).
    public func location(of name: String) -> String { path(name) }

    /// Run's scratch folders go in the backups folder itself: same disk, so same free space and
    /// the same private permissions, and `removeLeftovers` finds those of dead runs.
    public var scratchParent: String { directory }

    func path(_ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    // MARK: - Writing

    /// Takes a snapshot: `produce` writes the raw payload into the given sink, which compresses it
    /// (in parallel, at the request's `compressionLevel`) into `<id>.<ext>.gz`; then the manifest is written.
    ///
    /// Atomic: the payload is written to `.<id>.<ext>.gz.partial`, fsynced, renamed; then the manifest
    /// likewise (`.<id>.json.partial`); then the folder is fsynced. Files are 0600; the folder is
    /// created 0700 when missing. If anything fails, including `produce`, every file of this snapshot
    /// is removed and the error rethrown, so nothing is listed.
    ///
    /// - Returns: the manifest as written.
    /// - Throws: what `produce` throws, unchanged; `SnapshotError.cannotCreateFolder` /
    ///   `.cannotWrite` / `GzipError.diskFull` etc. (exit 5) when the folder cannot be created or
    ///   written; `GzipError.invalidLevel` (exit 2) for a level outside 1…9;
    ///   `SnapshotError.badEngineVersionKey` for a key that is not `<name>_version`.
    public func write(
        _ request: SnapshotRequest,
        progress: ((Int64) -> Void)?,
        produce: (ByteSink) throws -> Void
    ) throws -> SnapshotManifest {
        let started = ContinuousClock.now
        let ext = try request.checkedExtension()

        try createFolderIfMissing()
        let (id, payloadFD) = try claimID(schemaVersion: request.schemaVersion, ext: ext)
        let payloadName = "\(id.rawValue).\(ext).gz"
        let payloadTemp = path("." + payloadName + Self.partialSuffix)
        let payloadPath = path(payloadName)
        let manifestName = "\(id.rawValue).json"
        let manifestTemp = path("." + manifestName + Self.partialSuffix)
        let manifestPath = path(manifestName)

        var openFD: Int32? = payloadFD
        var renamedPayload = false
        do {
            let writer = try GzipWriter(fileDescriptor: payloadFD, name: payloadTemp,
                                        level: request.compressionLevel, progress: progress)
            try produce(writer)
            let summary = try writer.finish()
            openFD = nil  // durablyPublish closes it, whether or not it succeeds
            try durablyPublish(payloadFD, from: payloadTemp, to: payloadPath)
            renamedPayload = true

            let manifest = request.manifest(id: id, payload: payloadName, summary: summary, started: started)
            try writeFile(manifestTemp, publishingAs: manifestPath, contents: manifest.jsonData())
            do {
                try PosixFile.syncDirectory(directory)
            } catch {
                throw SnapshotError.cannotWrite(path: directory, reason: error.reason)
            }
            return manifest
        } catch {
            if let fd = openFD { try? PosixFile.close(fd) }
            try? PosixFile.unlink(payloadTemp)
            try? PosixFile.unlink(manifestTemp)
            if renamedPayload {
                try? PosixFile.unlink(manifestPath)
                try? PosixFile.unlink(payloadPath)
            }
            throw error
        }
    }

    /// Creates the backups folder (and its parents) when missing; the folder itself gets 0700, as
    /// it holds whole copies of databases.
    private func createFolderIfMissing() throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw SnapshotError.cannotCreateFolder(path: directory, reason: "a file of that name exists")
            }
            return
        }
        do {
            let parent = (directory as NSString).deletingLastPathComponent
            if !parent.isEmpty { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        } catch {
            throw SnapshotError.cannotCreateFolder(path: directory, reason: error.localizedDescription)
        }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw SnapshotError.cannotCreateFolder(path: directory, reason: describeErrno(errno))
        }
        // mkdir's mode passes through the umask; make it exactly 0700.
        if chmod(directory, 0o700) != 0 {
            throw SnapshotError.cannotCreateFolder(path: directory, reason: describeErrno(errno))
        }
    }

    /// Picks an id not used in the folder (no two snapshots share a millisecond, so ids order
    /// strictly by time) and claims it by creating the payload's temporary file with `O_EXCL`.
    private func claimID(schemaVersion: String?, ext: String) throws -> (SnapshotID, Int32) {
        try claimID(schemaVersion: schemaVersion, ext: ext, used: usedInstants())
    }

    /// `claimID`, given the instants the folder's listing showed as used.
    ///
    /// The listing can be out of date by the time the claim is made: another snapshot of a
    /// parallel fleet may have claimed the same id after it, and even published it, freeing the
    /// temporary name again. Seen once under CI load: a second tenant's snapshot was then renamed
    /// over the first one's payload and manifest, and the first tenant was left without one. So a
    /// claim whose payload or manifest already exists under its final name is given back and the
    /// next millisecond tried: the temporary name exists from the claim until the rename that
    /// publishes it, so one of the two names is always there to be seen.
    func claimID(schemaVersion: String?, ext: String, used: Set<UTCInstant>) throws -> (SnapshotID, Int32) {
        var id = SnapshotID.unique(date: clock(), schemaVersion: schemaVersion) { used.contains($0.instant) }
        while true {
            let temp = path(".\(id.rawValue).\(ext).gz" + Self.partialSuffix)
            do {
                // Locked from the start and held until the file is closed: leftovers cleanup of
                // another run leaves it alone.
                let fd = try createLocked(temp)
                if access(path("\(id.rawValue).\(ext).gz"), F_OK) == 0 || access(path("\(id.rawValue).json"), F_OK) == 0 {
                    try? PosixFile.unlink(temp)
                    try? PosixFile.close(fd)
                    id = id.nextMillisecond()
                    continue
                }
                // The mode passed to open goes through the umask; make it exactly 0600.
                if fchmod(fd, 0o600) != 0 {
                    let code = errno
                    try? PosixFile.close(fd)
                    try? PosixFile.unlink(temp)
                    throw SnapshotError.cannotWrite(path: temp, reason: describeErrno(code))
                }
                return (id, fd)
            } catch let failure as PosixFailure where failure.code == EEXIST {
                id = id.nextMillisecond()
            } catch let failure as PosixFailure {
                throw SnapshotError.cannotWrite(path: temp, reason: failure.reason)
            }
        }
    }

    /// Creates `path` exclusively (fails with `EEXIST` like `O_EXCL`) already holding an exclusive
    /// `flock`: made and locked under a private name, then linked into place. Another run's
    /// leftovers cleanup, which removes unlocked temporary files, so never sees it unlocked — with
    /// `open` then `flock` it could, and did when a fleet took snapshots in parallel.
    private func createLocked(_ temp: String) throws(PosixFailure) -> Int32 {
        let hidden = path(".lifeboat-claim-" + UUID().uuidString)
        let fd = try PosixFile.open(hidden, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
        defer { try? PosixFile.unlink(hidden) }
        _ = flock(fd, LOCK_EX | LOCK_NB)
        guard link(hidden, temp) == 0 else {
            let failure = PosixFailure(operation: "link", code: errno)
            try? PosixFile.close(fd)
            throw failure
        }
        return fd
    }

    /// The instants of every id-named file in the folder, temporary ones included.
    private func usedInstants() throws -> Set<UTCInstant> {
        Set(try entries().compactMap { Self.snapshotID(inFileName: $0)?.instant })
    }

    /// Writes a small file (a manifest) to `path`, 0600, fsyncs it and renames it to `final`.
    private func writeFile(_ path: String, publishingAs final: String, contents: Data) throws {
        let fd: Int32
        do {
            fd = try createLocked(path)
        } catch {
            throw SnapshotError.cannotWrite(path: path, reason: error.reason)
        }
        do {
            if fchmod(fd, 0o600) != 0 { throw PosixFailure(operation: "fchmod", code: errno) }
            // A typed-throws closure here crashes the 6.3 compiler; the error is still a PosixFailure.
            try contents.withUnsafeBytes { bytes in try PosixFile.writeAll(fd, bytes) }
        } catch {
            try? PosixFile.close(fd)
            throw SnapshotError.cannotWrite(path: path, reason: (error as? PosixFailure)?.reason ?? "\(error)")
        }
        try durablyPublish(fd, from: path, to: final)
    }

    /// fsync, rename, then close (always closes): the data is on disk before the rename that
    /// publishes it, and the temporary file keeps its `flock` until it has its final name — closed
    /// first, another run's leftovers cleanup could delete it before the rename.
    private func durablyPublish(_ fd: Int32, from temp: String, to final: String) throws {
        do {
            try PosixFile.sync(fd)
        } catch {
            try? PosixFile.close(fd)
            throw SnapshotError.cannotWrite(path: temp, reason: error.reason)
        }
        do {
            try rename(temp, final)
        } catch {
            try? PosixFile.close(fd)
            throw error
        }
        do {
            try PosixFile.close(fd)
        } catch {
            throw SnapshotError.cannotWrite(path: final, reason: error.reason)
        }
    }

    private func rename(_ from: String, _ to: String) throws {
        do {
            try PosixFile.rename(from, to)
        } catch {
            throw SnapshotError.cannotWrite(path: to, reason: error.reason)
        }
    }

    // MARK: - Names

    /// The folder's entries; none when the folder does not exist.
    func entries() throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch CocoaError.fileReadNoSuchFile {
            return []
        } catch {
            if !FileManager.default.fileExists(atPath: directory) { return [] }
            throw SnapshotError.cannotRead(path: directory, reason: error.localizedDescription)
        }
    }

    /// The id a snapshot file name starts with (`<id>.…` or, for temporary files, `.<id>.…`).
    static func snapshotID(inFileName name: String) -> SnapshotID? {
        let bare = name.hasPrefix(".") ? name.dropFirst() : Substring(name)
        guard let dot = bare.firstIndex(of: ".") else { return nil }
        return SnapshotNameCache.shared.id(String(bare[..<dot]))
    }
}
