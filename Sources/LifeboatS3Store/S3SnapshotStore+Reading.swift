import Crypto
import Foundation
import LifeboatCore
import LifeboatS3
import LifeboatSnapshots

extension S3SnapshotStore {
    // MARK: - Listing

    /// The complete snapshots and the damaged manifests, newest first, as the folder store
    /// finds them: a manifest `<id>.json` that loads, names `<id>` and a payload that exists.
    public func scan(identity: String?) throws -> SnapshotScan {
        let names = try objectNames()
        let present = Set(names)
        let manifests = names.filter { $0.hasSuffix(".json") }.compactMap { name in
            SnapshotID(String(name.dropLast(".json".count))).map { (name, $0) }
        }
        let bucket = location.bucket
        let keys = manifests.map { location.key($0.0) }
        // Fetched a few at once: one request per snapshot, so a long listing stays quick.
        let bodies: [String: Result<Data, S3Error>] = try s3(Self.unchanged) { client in
            try await withThrowingTaskGroup(of: (String, Result<Data, S3Error>).self) { group in
                var results: [String: Result<Data, S3Error>] = [:]
                var pending = keys[...]
                func next() {
                    guard let key = pending.popFirst() else { return }
                    group.addTask {
                        do { return (key, .success(try await client.getObject(bucket: bucket, key: key))) }
                        catch let error as S3Error where error.status == 404 { return (key, .failure(error)) }
                    }
                }
                for _ in 0..<8 { next() }
                while let (key, result) = try await group.next() {
                    results[key] = result
                    next()
                }
                return results
            }
        }
        var found: [(SnapshotID, StoredSnapshot)] = []
        var damaged: [(SnapshotID, DamagedManifest)] = []
        for (name, id) in manifests {
            // Deleted between the listing and the read (a concurrent prune): not there any more.
            guard case let .success(data)? = bodies[location.key(name)] else { continue }
            do {
                let snapshot = try load(data, manifest: location, name: name, expectedID: id) { present.contains($0) }
                guard identity.map({ DatabaseURL.sameIdentity(snapshot.manifest.databaseIdentity, $0) }) ?? true else { continue }
                found.append((id, snapshot))
            } catch let error as SnapshotError {
                if let identity, let other = Self.identityField(of: data), !DatabaseURL.sameIdentity(other, identity) { continue }
                damaged.append((id, DamagedManifest(file: location.url(of: name), reason: error.damageReason, id: id.rawValue)))
            }
        }
        return SnapshotScan(snapshots: found.sorted { $0.0 > $1.0 }.map(\.1),
                            damaged: damaged.sorted { $0.0 > $1.0 }.map(\.1))
    }

    /// The `database_identity` of a manifest that does not load as a whole, when it can be read.
    static func identityField(of data: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["database_identity"] as? String
    }

    /// Decodes a manifest and checks that it names `expectedID` and a plain payload that exists.
    func load(_ data: Data, manifest folder: S3Location, name: String, expectedID: SnapshotID?,
              payloadExists: (String) throws -> Bool) throws -> StoredSnapshot {
        let path = folder.url(of: name)
        let manifest = try SnapshotStoreChecks.manifest(data, path: path, expectedID: expectedID)
        guard try payloadExists(manifest.payload) else {
            throw SnapshotError.missingPayload(id: manifest.id, path: folder.url(of: manifest.payload))
        }
        return StoredSnapshot(manifest: manifest, manifestPath: path, payloadPath: folder.url(of: manifest.payload))
    }

    // MARK: - Resolving

    /// Finds the snapshot a user named: `latest`, an id in this store, or an object's URL
    /// (`s3://BUCKET/PREFIX/<id>.json` or its payload `….gz`), in this bucket or another the
    /// same keys can read. Errors as `FolderSnapshotStore.resolve`.
    public func resolve(_ reference: String, identity: String) throws -> StoredSnapshot {
        if reference == "latest" {
            guard let newest = try scan(identity: identity).latest else { throw ConfigurationError.unknownSnapshot(reference) }
            return newest
        }
        if let id = SnapshotID(reference) {
            return try loadManifest(in: location, name: id.rawValue + ".json", expectedID: id, reference: reference)
        }
        guard let (folder, name) = S3Location.object(reference) else { throw ConfigurationError.unknownSnapshot(reference) }
        if name.hasSuffix(".json") {
            return try loadManifest(in: folder, name: name, expectedID: nil, reference: reference)
        }
        if name.hasSuffix(".gz"), let id = Self.snapshotID(inName: name) {
            guard try exists(folder, name) else { throw ConfigurationError.unknownSnapshot(reference) }
            let snapshot: StoredSnapshot
            do {
                snapshot = try loadManifest(in: folder, name: id.rawValue + ".json", expectedID: id, reference: reference)
            } catch is ConfigurationError {
                throw SnapshotError.incomplete(payload: reference)
            }
            guard snapshot.manifest.payload == name else { throw SnapshotError.incomplete(payload: reference) }
            return snapshot
        }
        throw ConfigurationError.unknownSnapshot(reference)
    }

    /// Reads and checks one manifest; a missing one is `unknownSnapshot(reference)` (exit 2).
    private func loadManifest(in folder: S3Location, name: String, expectedID: SnapshotID?, reference: String) throws -> StoredSnapshot {
        let key = folder.key(name)
        let data: Data? = try s3(Self.unchanged) { client in
            do {
                return try await client.getObject(bucket: folder.bucket, key: key)
            } catch let error as S3Error where error.status == 404 && error.code != "NoSuchBucket" {
                return nil
            }
        }
        guard let data else { throw ConfigurationError.unknownSnapshot(reference) }
        return try load(data, manifest: folder, name: name, expectedID: expectedID) { try exists(folder, $0) }
    }

    /// Whether an object exists (HEAD).
    private func exists(_ folder: S3Location, _ name: String) throws -> Bool {
        let key = folder.key(name)
        return try s3(Self.unchanged) { client in
            do {
                _ = try await client.headObject(bucket: folder.bucket, key: key)
                return true
            } catch let error as S3Error where error.status == 404 {
                return false
            }
        }
    }

    // MARK: - Verifying

    /// Checks the manifest's format and engine, downloads the payload to a private scratch file
    /// (unlinked at once, so neither a kill nor a crash leaves a copy), and checks its size and
    /// SHA-256 against the manifest before a byte is handed out. The reader reads the very file
    /// that was hashed. Errors as `FolderSnapshotStore.openVerified`, plus `S3StoreError`.
    public func openVerified(_ snapshot: StoredSnapshot, expectedEngine: String) throws -> GzipReader {
        let payload = try openPayload(snapshot, expectedEngine: expectedEngine)
        do {
            try payload.fetch({ _ in }, { false })
            guard lseek(payload.descriptor, 0, SEEK_SET) == 0 else {
                throw SnapshotError.cannotRead(path: payload.file, reason: String(cString: strerror(errno)))
            }
        } catch {
            close(payload.descriptor)
            throw error
        }
        return try GzipReader(fileDescriptor: payload.descriptor, path: snapshot.payloadPath, closeWhenDone: true)
    }

    /// As `openVerified`, but returns as soon as the download has started: the reader gets the
    /// bytes as they arrive (in the same unlinked scratch file), and the end of the stream only
    /// after the size and SHA-256 matched the manifest; otherwise `read` throws the mismatch.
    /// For an engine that stages the whole payload before it touches the database.
    public func openStreaming(_ snapshot: StoredSnapshot, expectedEngine: String) throws -> GzipReader {
        let payload = try openPayload(snapshot, expectedEngine: expectedEngine)
        let download = S3PayloadDownload(descriptor: payload.descriptor, path: payload.file, body: payload.fetch)
        return try GzipReader(input: download, path: snapshot.payloadPath)
    }

    /// A payload ready to download: its scratch file (created 0600 and unlinked) and what fetches
    /// it into that file, checked against the manifest.
    private struct Payload {
        let descriptor: Int32
        let file: String
        /// Downloads into `descriptor` (calling `progress` with each run of bytes written in order,
        /// stopping when `isStopped` says so), then checks size and SHA-256 against the manifest.
        let fetch: @Sendable (_ progress: @escaping @Sendable (Int) -> Void, _ isStopped: @escaping @Sendable () -> Bool) throws -> Void
    }

    /// The checks before a download (manifest format, engine, the payload's presence and size) and
    /// its scratch file.
    private func openPayload(_ snapshot: StoredSnapshot, expectedEngine: String) throws -> Payload {
        let manifest = snapshot.manifest
        try SnapshotStoreChecks.restorable(manifest, into: expectedEngine)
        guard let (folder, name) = S3Location.object(snapshot.payloadPath) else {
            throw SnapshotError.missingPayload(id: manifest.id, path: snapshot.payloadPath)
        }
        let key = folder.key(name)
        let size: Int64 = try s3(Self.unchanged) { client in
            do {
                return try await client.headObject(bucket: folder.bucket, key: key).size
            } catch let error as S3Error where error.status == 404 {
                return -1
            }
        }
        guard size >= 0 else { throw SnapshotError.missingPayload(id: manifest.id, path: snapshot.payloadPath) }

        let scratch = try ScratchFolder(in: scratchParent)
        defer { scratch.remove() }
        let file = scratch.file(name)
        let fd = open(file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SnapshotError.cannotWrite(path: file, reason: String(cString: strerror(errno))) }
        unlink(file)
        let store = self
        return Payload(descriptor: fd, file: file) { progress, isStopped in
            let digest = try store.download(folder.bucket, key, size: size, into: fd, path: file, progress: progress, isStopped: isStopped)
            guard size == manifest.compressedBytes, digest == manifest.sha256.lowercased() else {
                let actual = size == manifest.compressedBytes ? digest : "\(digest) (\(size) bytes, the manifest says \(manifest.compressedBytes))"
                throw SnapshotError.checksumMismatch(id: manifest.id, expected: manifest.sha256, actual: actual)
            }
        }
    }

    /// Downloads `size` bytes of an object into `fd` in ranged GETs of `downloadPieceSize`, with
    /// `downloadsInFlight` requests always outstanding (a sliding window, so the connection never
    /// idles waiting for the slowest of a batch), writing and hashing the pieces in order as they
    /// arrive. A piece is requested only within `downloadsInFlight` of the next one to write, so
    /// memory stays about `downloadPieceSize × downloadsInFlight` whatever the size. Calls
    /// `progress` after each piece written; stops (CancellationError) once `isStopped`. Returns
    /// the SHA-256 (hex).
    private func download(_ bucket: String, _ key: String, size: Int64, into fd: Int32, path: String,
                          progress: @escaping @Sendable (Int) -> Void, isStopped: @escaping @Sendable () -> Bool) throws -> String {
        let piece = Int64(Self.downloadPieceSize)
        let ranges = stride(from: Int64(0), to: size, by: Self.downloadPieceSize).map { $0...(min($0 + piece, size) - 1) }
        let window = Self.downloadsInFlight
        return try s3(Self.unchanged) { client in
            try await withThrowingTaskGroup(of: (Int, Data).self) { group in
                var hasher = SHA256()
                var requested = 0, written = 0
                var arrived: [Int: Data] = [:]
                func requestMore() {
                    while requested < ranges.count, requested < written + window {
                        let index = requested, range = ranges[index]
                        requested += 1
                        group.addTask { (index, try await client.getObject(bucket: bucket, key: key, range: range)) }
                    }
                }
                requestMore()
                while let (index, data) = try await group.next() {
                    arrived[index] = data
                    while let next = arrived.removeValue(forKey: written) {
                        hasher.update(data: next)
                        try Self.writeAll(next, to: fd, path: path)
                        written += 1
                        progress(next.count)
                    }
                    if isStopped() { throw CancellationError() }
                    requestMore()
                }
                return hasher.finalize().map { String(format: "%02x", $0) }.joined()
            }
        }
    }

    /// Ranged GETs of a restore: small enough that the pieces in flight cost little memory, large
    /// enough that a request's round trip is small beside its transfer.
    static let downloadPieceSize = 2 << 20
    static let downloadsInFlight = 4

    private static func writeAll(_ data: Data, to fd: Int32, path: String) throws {
        try data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw SnapshotError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
                }
                offset += written
            }
        }
    }
}
