#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
import LifeboatCore
#endif

/// A failed system call: which one, and its `errno`.
///
/// The gzip streams and the snapshot store turn it into their own typed errors (`GzipError`,
/// `SnapshotError`) with the path and a message that says what to do.
struct PosixFailure: Error {
    let operation: String
    let code: Int32

    var reason: String { "\(operation) failed: \(describeErrno(code))" }
    /// The device is full or the quota is used up: worth its own message.
    /// A full device, a quota, or a file-size limit (`EFBIG`: `ulimit -f`, with `SIGXFSZ` ignored).
    var isNoSpace: Bool { code == ENOSPC || code == EDQUOT || code == EFBIG }
}

/// Thin wrappers over the POSIX file calls the snapshot code needs, each retrying on EINTR and
/// checking every return code once, here, rather than at each use.
///
/// Plain file descriptors rather than `FileHandle`: we need `O_EXCL`, exact modes, `fsync` of files
/// and folders, and large unbuffered writes.
enum PosixFile {
    static func open(_ path: String, flags: Int32, mode: mode_t = 0) throws(PosixFailure) -> Int32 {
        while true {
            let fd = path.withCString { systemOpen($0, flags | O_CLOEXEC, mode) }
            if fd >= 0 { return fd }
            if errno != EINTR { throw PosixFailure(operation: "open", code: errno) }
        }
    }

    /// Writes all of `buffer`, looping over short writes.
    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws(PosixFailure) {
        guard var next = buffer.baseAddress else { return }
        var remaining = buffer.count
        while remaining > 0 {
            let n = systemWrite(fd, next, remaining)
            if n > 0 {
                next += n
                remaining -= n
            } else if n == 0 {
                throw PosixFailure(operation: "write", code: EIO)
            } else if errno != EINTR {
                throw PosixFailure(operation: "write", code: errno)
            }
        }
    }

    /// Reads up to `buffer.count` bytes; 0 means end of file.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(PosixFailure) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = systemRead(fd, base, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw PosixFailure(operation: "read", code: errno) }
        }
    }

    static func sync(_ fd: Int32) throws(PosixFailure) {
        while fsync(fd) != 0 {
            if errno != EINTR { throw PosixFailure(operation: "fsync", code: errno) }
        }
    }

    /// Closes `fd`; an error here can mean data never reached the disk (NFS, quotas), so it counts.
    static func close(_ fd: Int32) throws(PosixFailure) {
        if systemClose(fd) != 0 && errno != EINTR {
            throw PosixFailure(operation: "close", code: errno)
        }
    }

    /// Makes the folder's entries (new names, renames, removals) durable.
    static func syncDirectory(_ path: String) throws(PosixFailure) {
        let fd = try open(path, flags: O_RDONLY | O_DIRECTORY)
        defer { _ = systemClose(fd) }
        try sync(fd)
    }

    static func rename(_ from: String, _ to: String) throws(PosixFailure) {
        if systemRename(from, to) != 0 { throw PosixFailure(operation: "rename", code: errno) }
    }

    /// Removes a file; a file that is already gone is not an error.
    static func unlink(_ path: String) throws(PosixFailure) {
        if systemUnlink(path) != 0 && errno != ENOENT { throw PosixFailure(operation: "unlink", code: errno) }
    }
}

// Module-qualified calls keep these distinct from methods called `write`, `read`, `close`.
#if canImport(Glibc)
private func systemOpen(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 { Glibc.open(path, flags, mode) }
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { Glibc.write(fd, bytes, count) }
private func systemRead(_ fd: Int32, _ bytes: UnsafeMutableRawPointer, _ count: Int) -> Int { Glibc.read(fd, bytes, count) }
private func systemClose(_ fd: Int32) -> Int32 { Glibc.close(fd) }
private func systemRename(_ from: String, _ to: String) -> Int32 { Glibc.rename(from, to) }
private func systemUnlink(_ path: String) -> Int32 { Glibc.unlink(path) }
#elseif canImport(Musl)
private func systemOpen(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 { Musl.open(path, flags, mode) }
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { Musl.write(fd, bytes, count) }
private func systemRead(_ fd: Int32, _ bytes: UnsafeMutableRawPointer, _ count: Int) -> Int { Musl.read(fd, bytes, count) }
private func systemClose(_ fd: Int32) -> Int32 { Musl.close(fd) }
private func systemRename(_ from: String, _ to: String) -> Int32 { Musl.rename(from, to) }
private func systemUnlink(_ path: String) -> Int32 { Musl.unlink(path) }
#elseif canImport(Darwin)
private func systemOpen(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 { Darwin.open(path, flags, mode) }
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { Darwin.write(fd, bytes, count) }
private func systemRead(_ fd: Int32, _ bytes: UnsafeMutableRawPointer, _ count: Int) -> Int { Darwin.read(fd, bytes, count) }
private func systemClose(_ fd: Int32) -> Int32 { Darwin.close(fd) }
private func systemRename(_ from: String, _ to: String) -> Int32 { Darwin.rename(from, to) }
private func systemUnlink(_ path: String) -> Int32 { Darwin.unlink(path) }
#endif
