import Foundation
import LifeboatCore
import LifeboatS3
import LifeboatSnapshots

/// The `SnapshotStore` in an S3 bucket (SPEC "Snapshot stores"): the same ids, payloads and
/// manifests as the folder store, as objects `PREFIX/<id>.<ext>.gz` and `PREFIX/<id>.json`, so
/// snapshots outlive the machine, the container or the disk that holds the database.
///
/// The manifest is uploaded last, only once the payload's multipart upload is complete: its
/// presence is what makes a snapshot exist, so an interrupted run leaves at worst an incomplete
/// upload or a payload without a manifest — never listed, never restored, removed by
/// `removeLeftovers`. Facets: `+Reading` (scan, resolve, download and verify), `+Retention`
/// (delete, prune, leftovers).
public struct S3SnapshotStore: SnapshotStore {
    public let location: S3Location
    let client: S3Client
    /// Local: engines write files, and a restore downloads its payload here (beside a SQLite
    /// database) before the engine sees a byte.
    public let scratchParent: String
    let clock: @Sendable () -> Date
    /// Multipart part size (S3's minimum is 5 MiB) and parts uploading at once. Uploaded parts are
    /// spooled through scratch files, so they cost disk (`partSize × (partsInFlight + 1)`), not memory.
    let partSize: Int
    let partsInFlight: Int

    static let noSnapshot = "no snapshot was taken and the database is unchanged"
    static let unchanged = "the database is unchanged"

    /// - Parameters:
    ///   - configuration: keys, region, endpoint (`S3Configuration.resolve`); the location's
    ///     `path_style` turns path-style addressing on.
    ///   - scratchParent: the local folder for scratch files (see `SnapshotStore.scratchParent`).
    public init(location: S3Location, configuration: S3Configuration, scratchParent: String,
                partSize: Int = 8 << 20, partsInFlight: Int = 2, retry: S3RetryPolicy = .default,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        Self.returnLargeBuffersToTheSystem
        var configuration = configuration
        if location.pathStyle { configuration.pathStyle = true }
        self.location = location
        client = S3Client(configuration: configuration, retry: retry)
        self.scratchParent = URL(fileURLWithPath: scratchParent).standardizedFileURL.path
        self.clock = clock
        self.partSize = partSize
        self.partsInFlight = partsInFlight
    }

    /// Multipart parts are 8 MiB buffers freed on whichever thread finished with them. glibc raises
    /// its mmap threshold to the size of a freed mapped chunk, after which such buffers come from
    /// per-thread heaps that keep the memory: peak RSS then grows with the database. A fixed 1 MiB
    /// threshold keeps large buffers mapped, so each free returns them. Set once, and only by a
    /// process that uses an S3 store.
    static let returnLargeBuffersToTheSystem: Void = {
        #if canImport(Glibc)
        // malloc.h is not part of Swift's Glibc module: mallopt is looked up instead.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
        if let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") {
            _ = unsafeBitCast(symbol, to: Mallopt.self)(mmapThreshold, 1 << 20)
        }
        #endif
    }()

    /// `s3://BUCKET/PREFIX`.
    public var description: String { location.description }

    /// `s3://BUCKET/PREFIX/NAME`.
    public func location(of name: String) -> String { location.url(of: name) }

    /// Runs S3 calls and turns their errors into `S3StoreError`s naming this store.
    func s3<T: Sendable>(_ consequence: String, _ body: @escaping @Sendable (S3Client) async throws -> T) throws -> T {
        let client = client
        do {
            return try S3StoreExecutor.wait { try await body(client) }
        } catch let error as S3Error {
            throw S3StoreError(store: description, failure: error, consequence: consequence)
        }
    }

    // MARK: - Writing

    /// Takes a snapshot (see `SnapshotStore.write`): `produce` feeds the parallel gzip writer,
    /// whose members go straight into a multipart upload — compression, upload and the engine's
    /// dump overlap, a part's MD5 and SHA-256 are sent with it, and the payload's SHA-256 is
    /// computed on the way. Then the manifest is uploaded. Any failure aborts the upload (or
    /// deletes the payload when only the manifest failed) and is rethrown, `produce`'s unchanged.
    /// - Throws: what `produce` throws; `S3StoreError` (exit 5) when S3 refuses or cannot be
    ///   reached; `GzipError.invalidLevel`, `SnapshotError.badEngineVersionKey`.
    public func write(
        _ request: SnapshotRequest,
        progress: ((Int64) -> Void)?,
        produce: (ByteSink) throws -> Void
    ) throws -> SnapshotManifest {
        let started = ContinuousClock.now
        let ext = try request.checkedExtension()

        // Listing first also proves the bucket and the keys work before the engine does anything.
        let used = Set(try objectNames().compactMap { Self.snapshotID(inName: $0).map(Self.instantText) })
        let id = ClaimedSnapshotIDs.shared.claim(in: location.description, date: clock(), schemaVersion: request.schemaVersion,
                                                 instant: Self.instantText, taken: used.contains)
        let payloadName = "\(id.rawValue).\(ext).gz"
        let payloadKey = location.key(payloadName)
        // Parts are gathered as files in a private scratch folder (removed by a later run if this
        // one is killed), so memory stays flat whatever the part size and the parts in flight.
        let spool = try ScratchFolder(in: scratchParent)
        defer { spool.remove() }
        let uploader = S3MultipartWriter(client: client, bucket: location.bucket, key: payloadKey, partSize: partSize,
                                         maxInFlight: partsInFlight, executor: S3StoreExecutor.shared, spoolFolder: spool.url)
        var payloadComplete = false
        do {
            let writer = try GzipWriter(name: location.url(of: payloadName), level: request.compressionLevel, progress: progress) { bytes in
                let data = Data(bytes)
                _ = try s3(Self.noSnapshot) { _ in try await uploader.write(data) }
            }
            try produce(writer)
            let summary = try writer.finish()
            let uploaded = try s3(Self.noSnapshot) { _ in try await uploader.finish() }
            payloadComplete = true
            guard uploaded.sha256 == summary.sha256, uploaded.size == summary.compressedBytes else {
                throw SnapshotError.cannotWrite(path: location.url(of: payloadName),
                                                reason: "the uploaded bytes are not the compressed ones; \(Self.noSnapshot)")
            }
            let manifest = request.manifest(id: id, payload: payloadName, summary: summary, started: started)
            let json = try manifest.jsonData()
            let manifestKey = location.key(id.rawValue + ".json")
            let bucket = location.bucket
            _ = try s3(Self.noSnapshot) { client in
                try await client.putObject(bucket: bucket, key: manifestKey, data: json, contentType: "application/json")
            }
            return manifest
        } catch {
            let bucket = location.bucket
            if payloadComplete {
                _ = try? s3("") { client in try await client.deleteObject(bucket: bucket, key: payloadKey) }
            } else {
                _ = try? s3("") { _ in await uploader.abort() }
            }
            throw error
        }
    }

    // MARK: - Names

    /// The names (keys without the prefix) of the objects directly under the prefix.
    func objectNames() throws -> [String] {
        try objects().map(\.name)
    }

    /// The objects directly under the prefix (not in deeper "folders"), with their names.
    func objects() throws -> [(name: String, object: S3Object)] {
        let bucket = location.bucket, prefix = location.keyPrefix
        let listed = try s3(Self.unchanged) { client in try await client.listObjects(bucket: bucket, prefix: prefix) }
        return listed.compactMap { object in
            let name = String(object.key.dropFirst(prefix.count))
            return name.isEmpty || name.contains("/") ? nil : (name, object)
        }
    }

    /// The id an object name starts with (`<id>.…`).
    static func snapshotID(inName name: String) -> SnapshotID? {
        guard let dot = name.firstIndex(of: ".") else { return nil }
        return SnapshotID(String(name[..<dot]))
    }

    /// The instant part of an id (`20261121T093000123Z`): ids of one instant collide.
    static func instantText(_ id: SnapshotID) -> String {
        String(id.rawValue.prefix { $0 != "-" })
    }
}
