import Crypto
import Foundation

/// A sink that uploads what is written into it as one S3 object, by multipart upload: the bytes are
/// cut into parts of `partSize` as they come, at most `maxInFlight` parts upload at once (a write
/// waits for the oldest part when the limit is reached), and the whole payload's SHA-256 is computed
/// on the way. Memory stays bounded whatever the size: at most `maxInFlight` parts in flight plus
/// the one being filled — or, with a `spoolFolder`, next to none: each part is gathered in a file
/// there and uploaded streamed from it (the file is deleted once its upload ends). Any failure
/// aborts the multipart upload, so no part is left behind.
///
/// One writer at a time: call `write` and `finish` from one task, in order.
public actor S3MultipartWriter {
    public struct Result: Sendable, Equatable {
        /// Hex SHA-256 of every byte written.
        public var sha256: String
        public var size: Int64
        public var parts: Int

        public init(sha256: String, size: Int64, parts: Int) {
            self.sha256 = sha256
            self.size = size
            self.parts = parts
        }
    }

    public let bucket: String
    public let key: String
    public let partSize: Int
    public let maxInFlight: Int
    private let client: S3Client
    /// Where the part uploads run (see `init`).
    private let executor: (any TaskExecutor)?
    private var uploadID: String?
    private var buffer = Data()
    /// Where parts are gathered as files instead of `buffer`, if anywhere.
    private let spoolFolder: URL?
    /// The part being filled in `spoolFolder`.
    private var spooling: S3PartFile?
    private var inFlight: [Task<S3CompletedPart, Error>] = []
    private var completed: [S3CompletedPart] = []
    private var hasher = SHA256()
    private var size: Int64 = 0
    private var nextPart = 1
    private var failed = false
    /// The most part bytes this writer held in memory at once (the part being filled plus the parts
    /// in flight; none with a spool folder).
    public private(set) var peakBufferedBytes = 0

    /// - Parameters:
    ///   - partSize: at least 5 MiB (S3's minimum for every part but the last).
    ///   - maxInFlight: parts uploading at once.
    ///   - executor: where part uploads run. Unstructured tasks do not inherit a task executor
    ///     preference, so a caller that keeps its work off the cooperative pool (a synchronous
    ///     caller blocking a pool thread while it waits) passes its executor here.
    ///   - spoolFolder: a private local folder to gather parts in as files (memory then stays flat
    ///     whatever the part size and the parts in flight); nil holds them in memory.
    public init(client: S3Client, bucket: String, key: String, partSize: Int = 8 << 20, maxInFlight: Int = 4,
                executor: (any TaskExecutor)? = nil, spoolFolder: URL? = nil) {
        self.client = client
        self.spoolFolder = spoolFolder
        self.executor = executor
        self.bucket = bucket
        self.key = key
        self.partSize = max(partSize, 5 << 20)
        self.maxInFlight = max(1, maxInFlight)
    }

    /// Adds bytes; uploads a part each time `partSize` bytes have gathered.
    public func write(_ data: Data) async throws {
        precondition(!failed, "S3MultipartWriter used after a failure")
        hasher.update(data: data)
        size += Int64(data.count)
        var rest = data[...]
        while !rest.isEmpty {
            if let spoolFolder {
                let part = try spooling ?? spoolFile(in: spoolFolder)
                let piece = rest.prefix(partSize - part.count)
                rest = rest.dropFirst(piece.count)
                do {
                    try piece.withUnsafeBytes { try part.append($0) }
                } catch {
                    await fail()
                    throw error
                }
                if part.count == partSize {
                    spooling = nil
                    try await upload(.file(part))
                }
            } else {
                // Filled to the part size and handed over as is: no copy of the part is made.
                if buffer.isEmpty { buffer.reserveCapacity(partSize) }
                let piece = rest.prefix(partSize - buffer.count)
                rest = rest.dropFirst(piece.count)
                buffer.append(contentsOf: piece)
                peakBufferedBytes = max(peakBufferedBytes, buffer.count + inFlight.count * partSize)
                if buffer.count == partSize {
                    let part = buffer
                    buffer = Data()
                    try await upload(.memory(part))
                }
            }
        }
    }

    /// A new part file (the writer fails if it cannot be made).
    private func spoolFile(in folder: URL) throws -> S3PartFile {
        do {
            let part = try S3PartFile(in: folder, partNumber: nextPart)
            spooling = part
            return part
        } catch {
            failed = true
            throw error
        }
    }

    /// Uploads the last part, waits for every part and completes the upload.
    @discardableResult
    public func finish() async throws -> Result {
        precondition(!failed, "S3MultipartWriter used after a failure")
        if let spoolFolder {
            let last = try spooling ?? (nextPart == 1 ? spoolFile(in: spoolFolder) : nil)
            if let last {
                spooling = nil
                try await upload(.file(last))
            }
        } else if !buffer.isEmpty || nextPart == 1 {
            let last = buffer
            buffer = Data()
            try await upload(.memory(last))
        }
        do {
            for task in inFlight { completed.append(try await task.value) }
            inFlight = []
            try await client.completeMultipartUpload(bucket: bucket, key: key, uploadID: try await start(), parts: completed)
        } catch {
            await fail()
            throw error
        }
        return Result(sha256: hasher.finalize().hexString, size: size, parts: completed.count)
    }

    /// Abandons the upload (parts in flight are cancelled; S3 drops the uploaded ones).
    public func abort() async {
        await fail()
    }

    private func start() async throws -> String {
        if let uploadID { return uploadID }
        let id = try await client.createMultipartUpload(bucket: bucket, key: key)
        uploadID = id
        return id
    }

    /// A part ready to upload.
    private enum Part: @unchecked Sendable {
        case memory(Data)
        case file(S3PartFile)
    }

    private func upload(_ part: Part) async throws {
        do {
            let id = try await start()
            if inFlight.count >= maxInFlight {
                completed.append(try await inFlight.removeFirst().value)
            }
            let number = nextPart
            nextPart += 1
            let client = client, bucket = bucket, key = key
            switch part {
            case let .memory(data):
                inFlight.append(Task(executorPreference: executor) {
                    try await client.uploadPart(bucket: bucket, key: key, uploadID: id, partNumber: number, data: data)
                })
            case let .file(file):
                let md5 = try file.finishWriting()
                inFlight.append(Task(executorPreference: executor) {
                    defer { file.discard() }
                    return try await client.uploadPart(bucket: bucket, key: key, uploadID: id, partNumber: number,
                                                       file: file.url, contentMD5: md5)
                })
            }
            peakBufferedBytes = max(peakBufferedBytes, buffer.count + inFlight.count * (spoolFolder == nil ? partSize : 0))
        } catch {
            if case let .file(file) = part { file.discard() }
            await fail()
            throw error
        }
    }

    private func fail() async {
        failed = true
        for task in inFlight { task.cancel() }
        for task in inFlight { _ = try? await task.value }
        inFlight = []
        buffer = Data()
        spooling?.discard()
        spooling = nil
        if let uploadID {
            try? await client.abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
        }
    }
}
