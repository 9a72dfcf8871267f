import Foundation
import LifeboatCore

/// A client program's standard error, read through a pipe on a thread of its own and kept in
/// memory (its last 64 KiB).
///
/// Why not a file: a `pg_dump` error log in the backups folder is one more file a `kill -9` leaves
/// behind (SPEC "Snapshots", v2). Why a thread: the child writes its standard output and error at
/// once; reading only one pipe while the other fills would block it.
final class ChildErrorLog: @unchecked Sendable {
    /// The end the child writes to (its descriptor 2); closed here once the child has it.
    private(set) var writeEnd: Int32
    private let readEnd: Int32
    private let program: String
    private let lock = NSLock()
    private var text = Data()
    private var reader: Thread?
    private let done = DispatchSemaphore(value: 0)
    private var finished: String?
    private static let limit = 64 * 1024

    init(program: String) throws {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw EngineError.failed("cannot create a pipe for \(program): \(String(cString: strerror(errno)))")
        }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        readEnd = ends[0]
        writeEnd = ends[1]
        self.program = program
    }

    /// Closes this process's write end (the child holds its own) and starts draining the pipe.
    func startReading() {
        close(writeEnd)
        writeEnd = -1
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                lock.lock()
                text.append(contentsOf: buffer[0..<count])
                if text.count > Self.limit { text.removeFirst(text.count - Self.limit) }
                lock.unlock()
            }
            done.signal()
        }
        reader = thread
        thread.start()
    }

    /// Waits for the child's end of the pipe to close (it has exited) and returns what it wrote.
    /// Safe to call more than once.
    @discardableResult
    func finish() -> String {
        if let finished { return finished }
        if writeEnd >= 0 {
            close(writeEnd)
            writeEnd = -1
        }
        if reader != nil { done.wait() }
        close(readEnd)
        lock.lock()
        let result = String(decoding: text, as: UTF8.self)
        lock.unlock()
        finished = result
        return result
    }
}
