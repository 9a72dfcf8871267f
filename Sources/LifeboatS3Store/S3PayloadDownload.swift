import Foundation
import LifeboatSnapshots

/// A snapshot payload downloading into a private scratch file on a thread of its own, read as it
/// arrives (`GzipInput`): the reader gets the bytes already written, in order, and the end only
/// once the download is complete and its SHA-256 matched the manifest.
///
/// Why: a restore into SQLite decompresses the whole payload into a scratch copy before the
/// database is touched, so the decompression can run while the rest is still downloading instead
/// of after it; the SPEC's order (the SHA-256 checked before anything touches the database) holds,
/// because the copy goes into the database only after the reader has seen the end.
///
/// Memory: none of its own; the download's window of ranged GETs, the file in the page cache.
final class S3PayloadDownload: GzipInput, @unchecked Sendable {
    private let descriptor: Int32
    private let path: String
    private let condition = NSCondition()
    /// Bytes written to the file so far, from its start, in order.
    private var written: Int64 = 0
    private var readOffset: Int64 = 0
    /// Set once the download has ended: success only when the SHA-256 matched.
    private var outcome: Result<Void, Error>?
    private var stopped = false

    /// Starts downloading on a new thread: `body` writes the payload into `descriptor` (an
    /// unlinked file this object now owns), calling `progress` with each run of bytes written in
    /// order, stopping when `isStopped` says so, and throws when the payload is not the manifest's.
    init(descriptor: Int32, path: String,
         body: @escaping @Sendable (_ progress: @escaping @Sendable (Int) -> Void, _ isStopped: @escaping @Sendable () -> Bool) throws -> Void) {
        self.descriptor = descriptor
        self.path = path
        let thread = Thread { [self] in
            let result = Result {
                try body({ count in self.advance(by: count) }, { self.condition.withLock { self.stopped } })
            }
            condition.withLock {
                outcome = result
                condition.broadcast()
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    deinit {
        Foundation.close(descriptor)
    }

    private func advance(by count: Int) {
        condition.withLock {
            written += Int64(count)
            condition.broadcast()
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let available: Int64 = try condition.withLock {
            while readOffset >= written, outcome == nil { condition.wait() }
            if readOffset < written { return written - readOffset }
            try outcome?.get()
            return 0
        }
        guard available > 0 else { return 0 }
        while true {
            let count = pread(descriptor, base, Int(min(Int64(buffer.count), available)), off_t(readOffset))
            if count >= 0 {
                readOffset += Int64(count)
                return count
            }
            if errno == EINTR { continue }
            throw SnapshotError.cannotRead(path: path, reason: String(cString: strerror(errno)))
        }
    }

    func settle() throws {
        try condition.withLock {
            while outcome == nil { condition.wait() }
            try outcome?.get()
        }
    }

    func close() {
        condition.withLock { stopped = true }
    }
}
