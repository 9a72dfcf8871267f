import Foundation

/// Moves bytes between files and streams in 1 MiB pieces, so memory stays flat whatever the size.
public enum FileStreaming {
    static let bufferSize = 1 << 20

    /// Streams the file at `path` into `sink`; returns the number of bytes.
    @discardableResult
    public static func copy(fileAt path: String, to sink: ByteSink) throws -> Int64 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw EngineError.failed("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        while true {
            let count = read(fd, buffer.baseAddress, bufferSize)
            if count < 0 {
                if errno == EINTR { continue }
                throw EngineError.failed("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { return total }
            try sink.write(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            total += Int64(count)
        }
    }

    /// Writes everything `source` yields into a new file at `path` (0600); fsynced when `durable`
    /// (a scratch copy that is deleted afterwards need not be).
    @discardableResult
    public static func copy(from source: ByteSource, toFileAt path: String, durable: Bool = true) throws -> Int64 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw EngineError.failed("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        while true {
            let count = try source.read(into: buffer)
            if count == 0 { break }
            var written = 0
            while written < count {
                let n = write(fd, buffer.baseAddress! + written, count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw EngineError.failed("cannot write \(path): \(String(cString: strerror(errno)))")
                }
                written += n
            }
            total += Int64(count)
        }
        guard !durable || fsync(fd) == 0 else { throw EngineError.failed("cannot fsync \(path): \(String(cString: strerror(errno)))") }
        return total
    }
}
