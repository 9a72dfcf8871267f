import Foundation
import LifeboatCore

extension SQLiteEngine {
    /// The lock file beside the database: `<database path>.lock`.
    var lockPath: String { path + ".lock" }

    /// Takes an exclusive `flock(2)` on `<path>.lock` without waiting. The operating system
    /// releases it when the process dies, so a crashed run never leaves the database locked.
    /// The holder writes `pid <n> on <host>` into the file so a waiting run can say who it is.
    public func tryLock(key: String) throws -> LockAttempt {
        if lockDescriptor >= 0 { return .acquired }
        let fd = Foundation.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw EngineError.failed("cannot open the lock file \(lockPath): \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = pread(fd, &buffer, buffer.count, 0)
            Foundation.close(fd)
            guard code == EWOULDBLOCK else {
                throw EngineError.failed("cannot lock \(lockPath): \(String(cString: strerror(code)))")
            }
            let holder = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : nil
            return .busy(holder: holder.map { "\($0) (lock file \(lockPath))" } ?? "another process (lock file \(lockPath))")
        }
        let note = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName)\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
        lockDescriptor = fd
        return .acquired
    }

    public func unlock() throws {
        guard lockDescriptor >= 0 else { return }
        _ = ftruncate(lockDescriptor, 0)
        flock(lockDescriptor, LOCK_UN)
        Foundation.close(lockDescriptor)
        lockDescriptor = -1
    }
}
