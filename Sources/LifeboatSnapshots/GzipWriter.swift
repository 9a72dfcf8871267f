import Crypto
import Dispatch
import Foundation
import LifeboatCZlib
import LifeboatCore

/// Compresses a byte stream into a gzip file (RFC 1952) on every core, in bounded memory.
///
/// Why this shape: a snapshot is taken while a deploy waits, so compression must use all cores, yet
/// the result must stay readable by plain `gunzip` so a person can recover without Lifeboat. The
/// input is therefore cut into independent chunks (1 MiB by default, the first MiB in quarters: see
/// `rampPieces`), each compressed on a worker
/// into a complete gzip member of its own (zlib with `windowBits` 31 writes the header and the CRC-32
/// and length trailer); the members are written in input order, and consecutive gzip members are one
/// valid gzip file for `gunzip`, `pigz` and `GzipReader`. Compression restarts its dictionary at each
/// chunk, which at 1 MiB costs well under 1% of size.
///
/// Memory stays flat whatever the input size: at most `maxChunksInFlight` chunk buffers exist, they
/// are reused, and `write` blocks (writing the oldest finished chunk) when all are busy.
///
/// As it writes, it counts raw and compressed bytes and hashes the compressed output with SHA-256,
/// so the snapshot's manifest needs no second pass over the file.
///
/// Not thread-safe: one thread calls `write` and `finish`; the parallelism is internal (chunks are
/// compressed on `DispatchQueue.global`). `write` and `finish` block that thread while waiting for
/// workers, like the file I/O around them, so call them from a thread that may block.
public final class GzipWriter: ByteSink {
    /// What was written, for the snapshot manifest.
    public struct Summary: Sendable, Equatable {
        /// Bytes given to `write` (the uncompressed size).
        public let rawBytes: Int64
        /// Bytes written to the file.
        public let compressedBytes: Int64
        /// Lower-case hex SHA-256 of the bytes written to the file.
        public let sha256: String
    }

    /// The default chunk size: large enough that restarting the dictionary costs little, small
    /// enough that a 2-core machine has work for both cores on small databases.
    public static let defaultChunkSize = 1 << 20

    /// The first `chunkSize` bytes go out in this many chunks, not one.
    ///
    /// Why: a fleet snapshots hundreds of ~1 MB tenants, two at a time on two cores. With one chunk
    /// per tenant, a tenant's compression uses one core even while the other target waits on its
    /// migrations' fsyncs, so a core sits idle. Quarters let either target's compression use both.
    /// Only the first chunk's worth is cut, so a large database keeps 1 MiB members (a quarter
    /// size would cost ~0.8% of its compressed size, measured on the 64 MB bench database).
    static let rampPieces = 4

    private enum State {
        case open
        case finished
        case failed(Error)
    }

    private let fd: Int32
    /// Where finished members go instead of `fd`, for a store that is not a file (S3's multipart
    /// upload): called on the writing thread, in order.
    private var output: ((UnsafeRawBufferPointer) throws -> Void)?
    private let ownsDescriptor: Bool
    private let path: String
    private let level: Int32
    private let chunkSize: Int
    private let maxChunks: Int
    private let progress: ((Int64) -> Void)?
    private let workers = DispatchQueue.global(qos: .userInitiated)

    private var state = State.open
    /// True while a file this writer opened is still open.
    private var descriptorNeedsClosing: Bool
    /// The chunk being filled by `write`, if any.
    private var filling: DeflateChunk?
    /// Chunks handed to workers, in input order; the head is the next to be written.
    private var inFlight: [DeflateChunk] = []
    /// Written chunks whose buffers can be reused.
    private var idle: [DeflateChunk] = []
    private var allocatedChunks = 0
    private var submittedAny = false
    private var hasher = SHA256()
    private var rawBytes: Int64 = 0
    private var compressedBytes: Int64 = 0

    /// Creates (or truncates) the file at `path` with mode 0600 and compresses into it.
    ///
    /// The writer owns the file: `finish()` fsyncs and closes it.
    /// - Throws: `GzipError.invalidLevel` for a level outside 1…9, `GzipError.cannotOpen` when the
    ///   file cannot be created.
    public convenience init(
        path: String,
        level: Int = 6,
        chunkSize: Int = GzipWriter.defaultChunkSize,
        maxChunksInFlight: Int? = nil,
        progress: ((Int64) -> Void)? = nil
    ) throws {
        try Self.validate(level: level)
        let fd: Int32
        do {
            fd = try PosixFile.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
        } catch {
            throw GzipError.cannotOpen(path: path, reason: error.reason)
        }
        try self.init(fd: fd, owns: true, path: path, level: level, chunkSize: chunkSize,
                      maxChunksInFlight: maxChunksInFlight, progress: progress)
    }

    /// Compresses into an open file descriptor, which stays the caller's: `finish()` neither syncs
    /// nor closes it.
    ///
    /// - Parameters:
    ///   - name: how to name the file in error messages.
    ///   - level: zlib level, 1 (fastest) to 9 (smallest).
    ///   - chunkSize: bytes per independently compressed member.
    ///   - maxChunksInFlight: bound on chunk buffers alive at once (memory ≈ 2 × chunkSize each);
    ///     default twice the active cores, plus one being filled.
    ///   - progress: called on the writing thread with the raw bytes taken so far, once per chunk.
    /// - Throws: `GzipError.invalidLevel`.
    public convenience init(
        fileDescriptor: Int32,
        name: String,
        level: Int = 6,
        chunkSize: Int = GzipWriter.defaultChunkSize,
        maxChunksInFlight: Int? = nil,
        progress: ((Int64) -> Void)? = nil
    ) throws {
        try Self.validate(level: level)
        try self.init(fd: fileDescriptor, owns: false, path: name, level: level, chunkSize: chunkSize,
                      maxChunksInFlight: maxChunksInFlight, progress: progress)
    }

    /// Compresses into `output`, which gets each finished gzip member in order, on the writing
    /// thread (so it may block to apply back-pressure); an error it throws fails the writer.
    /// - Parameter name: how to name the destination in error messages.
    /// - Throws: `GzipError.invalidLevel`.
    public convenience init(
        name: String,
        level: Int = 6,
        chunkSize: Int = GzipWriter.defaultChunkSize,
        maxChunksInFlight: Int? = nil,
        progress: ((Int64) -> Void)? = nil,
        output: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try Self.validate(level: level)
        try self.init(fd: -1, owns: false, path: name, level: level, chunkSize: chunkSize,
                      maxChunksInFlight: maxChunksInFlight, progress: progress)
        self.output = output
    }

    private init(
        fd: Int32, owns: Bool, path: String, level: Int, chunkSize: Int,
        maxChunksInFlight: Int?, progress: ((Int64) -> Void)?
    ) throws {
        self.fd = fd
        self.ownsDescriptor = owns
        self.descriptorNeedsClosing = owns
        self.path = path
        self.level = Int32(level)
        // zlib counts in 32-bit integers; 64 MiB chunks are already far past any benefit.
        self.chunkSize = min(max(chunkSize, 1), 64 << 20)
        self.maxChunks = max(maxChunksInFlight ?? (2 * ProcessInfo.processInfo.activeProcessorCount + 1), 1)
        self.progress = progress
    }

    deinit {
        // Chunks still on a worker keep themselves alive until their work ends, so nothing needs
        // waiting for here; only a file we opened needs closing.
        if descriptorNeedsClosing { try? PosixFile.close(fd) }
    }

    private static func validate(level: Int) throws {
        guard (1...9).contains(level) else { throw GzipError.invalidLevel(level) }
    }

    // MARK: - Writing

    /// Takes `bytes` (copied; the buffer may be reused at once) and compresses them in the background.
    ///
    /// Blocks only when every chunk buffer is busy, until the oldest is compressed and written.
    /// - Throws: `GzipError.diskFull` / `.writeFailed` when writing a finished chunk fails,
    ///   `.compressionFailed` if zlib fails, `.writerClosed` after `finish()` or an earlier error.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard case .open = state else { throw GzipError.writerClosed }
        guard var source = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        do {
            while remaining > 0 {
                let chunk = try filling ?? takeChunk()
                filling = chunk
                let count = min(remaining, chunk.inputLimit - chunk.inputCount)
                (chunk.input + chunk.inputCount).copyMemory(from: source, byteCount: count)
                chunk.inputCount += count
                source += count
                remaining -= count
                if chunk.inputCount == chunk.inputLimit {
                    filling = nil
                    try submit(chunk)
                }
            }
        } catch {
            fail(error)
            throw error
        }
    }

    /// Compresses what is left, waits for every chunk, writes them, and returns the totals.
    ///
    /// An empty input still yields a valid (20-byte) gzip file. A writer created with a path fsyncs
    /// and closes its file here.
    /// - Throws: as `write`; `.writeFailed` when fsync or close fails.
    public func finish() throws -> Summary {
        guard case .open = state else { throw GzipError.writerClosed }
        do {
            if let last = filling, last.inputCount > 0 || !submittedAny {
                filling = nil
                try submit(last)
            } else if !submittedAny {
                try submit(takeChunk())
            }
            try writeFinishedChunks(waiting: true)
            if ownsDescriptor {
                do {
                    try PosixFile.sync(fd)
                    descriptorNeedsClosing = false
                    try PosixFile.close(fd)
                } catch {
                    throw GzipError.writeFailed(path: path, reason: error.reason)
                }
            }
            state = .finished
            idle.removeAll()
            let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            return Summary(rawBytes: rawBytes, compressedBytes: compressedBytes, sha256: digest)
        } catch {
            fail(error)
            throw error
        }
    }

    // MARK: - The pipeline

    private func fail(_ error: Error) {
        state = .failed(error)
        filling = nil
        idle.removeAll()
    }

    /// An empty chunk to fill, its fill limit set.
    private func takeChunk() throws -> DeflateChunk {
        // `rawBytes` counts every byte of the chunks submitted so far: inside the first
        // `chunkSize` bytes, chunks are a `rampPieces`th of the size (see `rampPieces`).
        let limit = rawBytes < Int64(chunkSize) ? max(chunkSize / Self.rampPieces, 1) : chunkSize
        let chunk = try reusableChunk(holding: limit)
        chunk.inputCount = 0
        chunk.inputLimit = limit
        return chunk
    }

    /// An idle chunk, a new one while under the bound, else the oldest in flight once written;
    /// one too small for `limit` (a first-MiB quarter) is freed and replaced, so those quarters
    /// cost memory only while they are in use.
    private func reusableChunk(holding limit: Int) throws -> DeflateChunk {
        while let chunk = idle.popLast() {
            if chunk.inputCapacity >= limit { return chunk }
            allocatedChunks -= 1
        }
        if allocatedChunks < maxChunks {
            allocatedChunks += 1
            return try DeflateChunk(level: level, capacity: limit)
        }
        let oldest = inFlight.removeFirst()
        oldest.done.wait()
        try emit(oldest)
        return oldest.inputCapacity >= limit ? oldest : try DeflateChunk(level: level, capacity: limit)
    }

    private func submit(_ chunk: DeflateChunk) throws {
        rawBytes += Int64(chunk.inputCount)
        submittedAny = true
        inFlight.append(chunk)
        workers.async { chunk.compress() }
        progress?(rawBytes)
        try writeFinishedChunks(waiting: false)
    }

    /// Writes finished chunks from the head of the queue, in order; with `waiting`, all of them.
    private func writeFinishedChunks(waiting: Bool) throws {
        while let head = inFlight.first {
            if waiting {
                head.done.wait()
            } else if head.done.wait(timeout: .now()) == .timedOut {
                return
            }
            inFlight.removeFirst()
            try emit(head)
            idle.append(head)
        }
    }

    /// Writes one compressed chunk with a single large write, and hashes it.
    private func emit(_ chunk: DeflateChunk) throws {
        if let failure = chunk.failure { throw GzipError.compressionFailed(reason: failure) }
        let bytes = UnsafeRawBufferPointer(start: chunk.output, count: chunk.outputCount)
        if let output {
            try output(bytes)
            hasher.update(bufferPointer: bytes)
            compressedBytes += Int64(chunk.outputCount)
            return
        }
        do {
            try PosixFile.writeAll(fd, bytes)
        } catch {
            throw error.isNoSpace ? GzipError.diskFull(path: path, reason: describeErrno(error.code)) : GzipError.writeFailed(path: path, reason: error.reason)
        }
        hasher.update(bufferPointer: bytes)
        compressedBytes += Int64(chunk.outputCount)
    }
}

/// One chunk's buffers and zlib stream, compressed on a worker into one complete gzip member.
///
/// `@unchecked Sendable` because it is handed between threads by hand, never shared: the writer
/// fills `input` and sets `inputCount`, then passes the chunk to one worker with `DispatchQueue.async`
/// (which orders those writes before the worker's reads); the worker fills `output`, `outputCount`
/// and `failure`, then signals `done`; the writer reads them only after waiting on `done`. At any
/// moment exactly one thread touches the mutable state.
final class DeflateChunk: @unchecked Sendable {
    let input: UnsafeMutableRawPointer
    let inputCapacity: Int
    /// How full the writer fills this chunk before submitting it: `inputCapacity`, or less for
    /// the first chunks of a stream (`GzipWriter.rampPieces`).
    var inputLimit: Int
    var inputCount = 0
    let output: UnsafeMutableRawPointer
    let outputCapacity: Int
    var outputCount = 0
    var failure: String?
    let done = DispatchSemaphore(value: 0)
    /// Heap-allocated because zlib keeps a pointer back to the stream and checks it.
    private let stream: UnsafeMutablePointer<z_stream>

    /// - Throws: `GzipError.compressionFailed` when zlib cannot initialise (out of memory).
    init(level: Int32, capacity: Int) throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 31 = 15 (32 KiB window) + 16 (gzip header and trailer); memLevel 8 as gzip.
        let rc = lifeboat_deflateInit2(stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY)
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw GzipError.compressionFailed(reason: "deflateInit2 returned \(rc)")
        }
        inputCapacity = capacity
        inputLimit = capacity
        input = .allocate(byteCount: capacity, alignment: 64)
        // The worst case for `capacity` input bytes, gzip header and trailer included, so one
        // deflate call with Z_FINISH always completes.
        outputCapacity = Int(deflateBound(stream, uLong(capacity)))
        output = .allocate(byteCount: outputCapacity, alignment: 64)
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
        output.deallocate()
    }

    /// Compresses `input[0..<inputCount]` into `output` as one gzip member, then signals `done`.
    func compress() {
        defer { done.signal() }
        outputCount = 0
        failure = nil
        let reset = deflateReset(stream)
        guard reset == Z_OK else {
            failure = "deflateReset returned \(reset)"
            return
        }
        stream.pointee.next_in = input.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(inputCount)
        stream.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(outputCapacity)
        let rc = deflate(stream, Z_FINISH)
        guard rc == Z_STREAM_END else {
            failure = "deflate returned \(rc)" + (stream.pointee.msg.map { ": " + String(cString: $0) } ?? "")
            return
        }
        outputCount = outputCapacity - Int(stream.pointee.avail_out)
    }
}
