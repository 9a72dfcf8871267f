import Foundation
import LifeboatCZlib
import LifeboatCore

/// Streams the decompressed bytes of a gzip file, checking everything gzip checks, in bounded memory.
///
/// Why: a restore must never put a damaged snapshot into a database. The reader accepts any gzip
/// file — several members (as `GzipWriter`, `pigz` or `cat a.gz b.gz` make), and headers with
/// FEXTRA, FNAME, FCOMMENT and FHCRC (as `gzip -N` writes) — and lets zlib verify each member's
/// header CRC, CRC-32 and ISIZE (zlib's own `crc32`, not a Swift loop). It throws a `GzipError` that
/// names the file and the offset when the file is not gzip, is cut short, is damaged, or has
/// anything but another member after a member (trailing garbage, zero padding included: our files
/// never have it, so it means damage).
///
/// Memory: one input buffer (256 KiB by default) and zlib's 32 KiB window; output goes straight into
/// the caller's buffer.
///
/// Note that a member's CRC is checked when its end is reached, so bytes of a damaged member may be
/// returned before the error: consumers must treat the stream as all-or-nothing (restore does).
public final class GzipReader: ByteSource {
    private enum State {
        /// Before the first member: the file must start with the gzip signature.
        case start
        case inMember
        /// After a complete member: end of file, or another member.
        case betweenMembers
        case finished
        case failed(GzipError)
    }

    /// The file, as named in error messages.
    public let path: String
    /// Compressed bytes consumed so far (for progress against the file size).
    public var compressedBytesRead: Int64 { fileBytesRead - Int64(stream.pointee.avail_in) }
    /// Decompressed bytes returned so far.
    public private(set) var rawBytesRead: Int64 = 0
    /// Gzip members started so far.
    public private(set) var memberCount = 0

    private let fd: Int32
    private var descriptorNeedsClosing: Bool
    /// Where the compressed bytes come from instead of `fd`, if anywhere.
    private let input: GzipInput?
    /// What the input threw, or its verdict on a damage found before its end: thrown instead of
    /// the gzip error (a payload changed in the store is a checksum mismatch, not a bad CRC).
    private var inputFailure: Error?
    private let stream: UnsafeMutablePointer<z_stream>
    private let inputBuffer: UnsafeMutableRawPointer
    private let inputCapacity: Int
    private var fileBytesRead: Int64 = 0
    private var endOfFile = false
    private var state = State.start

    /// Opens the gzip file at `path`.
    /// - Throws: `GzipError.cannotOpen`.
    public convenience init(path: String, bufferSize: Int = 1 << 18) throws {
        let fd: Int32
        do {
            fd = try PosixFile.open(path, flags: O_RDONLY)
        } catch {
            throw GzipError.cannotOpen(path: path, reason: error.reason)
        }
        try self.init(fileDescriptor: fd, path: path, closeWhenDone: true, bufferSize: bufferSize)
    }

    /// Reads gzip from an open descriptor, from its current position.
    ///
    /// - Parameters:
    ///   - path: how to name the file in error messages.
    ///   - closeWhenDone: close `fileDescriptor` on `close()` or deinit.
    /// - Throws: `GzipError.compressionFailed` if zlib cannot initialise.
    public convenience init(fileDescriptor: Int32, path: String, closeWhenDone: Bool, bufferSize: Int = 1 << 18) throws {
        try self.init(fileDescriptor: fileDescriptor, input: nil, path: path, closeWhenDone: closeWhenDone, bufferSize: bufferSize)
    }

    /// Reads gzip from `input`, compressed bytes that may still be arriving (a download).
    /// - Throws: `GzipError.compressionFailed` if zlib cannot initialise.
    public convenience init(input: GzipInput, path: String, bufferSize: Int = 1 << 18) throws {
        try self.init(fileDescriptor: -1, input: input, path: path, closeWhenDone: false, bufferSize: bufferSize)
    }

    private init(fileDescriptor: Int32, input: GzipInput?, path: String, closeWhenDone: Bool, bufferSize: Int) throws {
        self.fd = fileDescriptor
        self.input = input
        self.path = path
        self.descriptorNeedsClosing = closeWhenDone
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 31: gzip only, so a zlib or raw stream is refused rather than guessed at.
        let rc = lifeboat_inflateInit2(stream, 31)
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            if closeWhenDone { try? PosixFile.close(fileDescriptor) }
            throw GzipError.compressionFailed(reason: "inflateInit2 returned \(rc)")
        }
        inputCapacity = max(bufferSize, 4096)
        inputBuffer = .allocate(byteCount: inputCapacity, alignment: 64)
        stream.pointee.next_in = inputBuffer.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = 0
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        inputBuffer.deallocate()
        if descriptorNeedsClosing { try? PosixFile.close(fd) }
        input?.close()
    }

    /// Closes the file now (if the reader owns it); later reads fail.
    public func close() {
        if descriptorNeedsClosing {
            descriptorNeedsClosing = false
            try? PosixFile.close(fd)
        }
        input?.close()
        if case .finished = state { return }
        state = .failed(.readFailed(path: path, reason: "the reader was closed"))
    }

    // MARK: - Reading

    /// Fills `buffer` with decompressed bytes; returns 0 only at the end of the last member.
    /// - Throws: `GzipError.notGzip`, `.truncated`, `.corrupt`, `.crcMismatch`, `.lengthMismatch`,
    ///   `.trailingGarbage`, `.readFailed`; once thrown, every later call throws the same error.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        if let inputFailure { throw inputFailure }
        var produced = 0
        defer { rawBytesRead += Int64(produced) }
        do {
            while produced < buffer.count {
                switch state {
                case .failed(let error):
                    throw error
                case .finished:
                    return produced
                case .start, .betweenMembers:
                    try startMember()
                case .inMember:
                    produced += try inflateStep(into: base + produced, count: buffer.count - produced)
                }
            }
        } catch let error as GzipError {
            state = .failed(error)
            if let input {
                // Damage found before the input's end: its verdict (a checksum mismatch) names it better.
                do { try input.settle() } catch { inputFailure = error }
                if let inputFailure { throw inputFailure }
            }
            throw error
        }
        return produced
    }

    /// At the start of the file or after a member: checks for the gzip signature and starts the next
    /// member, or notes the end of the file.
    private func startMember() throws(GzipError) {
        while stream.pointee.avail_in < 2 && !endOfFile { try refill() }
        let available = Int(stream.pointee.avail_in)
        let isFirst: Bool
        if case .start = state { isFirst = true } else { isFirst = false }
        if available == 0 {
            if isFirst { throw .notGzip(path: path, reason: "the file is empty") }
            state = .finished
            return
        }
        let next = stream.pointee.next_in!
        guard available >= 2, next[0] == 0x1f, next[1] == 0x8b else {
            if isFirst { throw .notGzip(path: path, reason: "it does not start with the gzip signature 1f 8b") }
            throw .trailingGarbage(path: path, offset: compressedBytesRead)
        }
        if !isFirst {
            let rc = inflateReset(stream)
            guard rc == Z_OK else { throw .compressionFailed(reason: "inflateReset returned \(rc)") }
        }
        memberCount += 1
        state = .inMember
    }

    /// One call to inflate into `count` bytes at `output`; returns how many it produced.
    private func inflateStep(into output: UnsafeMutableRawPointer, count: Int) throws(GzipError) -> Int {
        if stream.pointee.avail_in == 0 && !endOfFile { try refill() }
        let room = uInt(min(count, Int(UInt32.max)))
        stream.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = room
        let rc = inflate(stream, Z_NO_FLUSH)
        let produced = Int(room - stream.pointee.avail_out)
        switch rc {
        case Z_OK:
            break
        case Z_STREAM_END:
            state = .betweenMembers
        case Z_BUF_ERROR:
            // No progress was possible: with the input used up and the file at its end, the member
            // can never be completed.
            if stream.pointee.avail_in == 0 && endOfFile {
                throw .truncated(path: path, offset: compressedBytesRead)
            }
        case Z_DATA_ERROR:
            throw dataError()
        case Z_MEM_ERROR:
            throw .compressionFailed(reason: "out of memory while decompressing '\(path)'")
        case Z_NEED_DICT:
            throw .corrupt(path: path, member: memberCount, offset: compressedBytesRead, reason: "asks for a preset dictionary")
        default:
            throw .corrupt(path: path, member: memberCount, offset: compressedBytesRead, reason: "inflate returned \(rc)")
        }
        return produced
    }

    /// Turns zlib's message for a data error into the matching typed error.
    private func dataError() -> GzipError {
        let message = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
        switch message {
        case "incorrect data check": return .crcMismatch(path: path, member: memberCount)
        case "incorrect length check": return .lengthMismatch(path: path, member: memberCount)
        default: return .corrupt(path: path, member: memberCount, offset: compressedBytesRead, reason: message)
        }
    }

    /// Moves unread input to the front of the buffer and reads more after it; sets `endOfFile` when
    /// the file has no more.
    private func refill() throws(GzipError) {
        let pending = Int(stream.pointee.avail_in)
        if pending > 0, let next = stream.pointee.next_in, UnsafeMutableRawPointer(next) != inputBuffer {
            inputBuffer.copyMemory(from: next, byteCount: pending)
        }
        let free = UnsafeMutableRawBufferPointer(start: inputBuffer + pending, count: inputCapacity - pending)
        let count: Int
        if let input {
            do {
                count = try input.read(into: free)
            } catch {
                inputFailure = error
                throw .readFailed(path: path, reason: "\(error)")
            }
        } else {
            do {
                count = try PosixFile.read(fd, into: free)
            } catch {
                throw .readFailed(path: path, reason: error.reason)
            }
        }
        if count == 0 { endOfFile = true }
        fileBytesRead += Int64(count)
        stream.pointee.next_in = inputBuffer.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(pending + count)
    }
}
