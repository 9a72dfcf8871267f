#if !canImport(Darwin)
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One request's state while libcurl runs it: where the body comes from, where the answer goes,
/// the status and headers so far. libcurl's callbacks get it back from their `userdata` pointer;
/// only the thread running `curl_easy_perform` touches it, except `cancelled`.
final class CurlExchange: @unchecked Sendable {
    /// Set when the waiting task is cancelled; every callback then aborts the transfer.
    let cancelled = Atomic<Bool>(false)
    let bodySize: Int64
    private(set) var headers: [String: String] = [:]
    /// A failure of a local file inside a callback (curl only sees an aborted transfer).
    private(set) var localFailure: S3Error?

    private let bodyData: Data?
    private var bodyOffset = 0
    private var bodyFile: Int32 = -1
    private var bodyPath = ""
    /// The status of the answer being received (from its status line), so the body of a 2xx
    /// answer streams to the sink file and any other answer's (S3's XML error) stays in memory.
    private var status = 0
    private var memory = Data()
    private var destination: URL?
    private var partial: String?
    private var partialFile: Int32 = -1

    init(body: S3Client.Body, sink: S3Client.Sink) throws(S3Error) {
        switch body {
        case .empty:
            bodyData = nil
            bodySize = 0
        case let .data(data):
            bodyData = data
            bodySize = Int64(data.count)
        case let .file(url):
            let file = open(url.path, O_RDONLY | O_CLOEXEC)
            var info = stat()
            guard file >= 0, fstat(file, &info) == 0 else {
                let reason = "cannot open it for reading: \(Self.lastError)"
                if file >= 0 { close(file) }
                throw S3Error.localFile(path: url.path, reason: reason)
            }
            bodyData = nil
            bodyPath = url.path
            bodyFile = file
            bodySize = Int64(info.st_size)
        }
        if case let .file(url) = sink {
            // Beside the destination (same file system, so the rename is atomic), hidden.
            let temporary = url.deletingLastPathComponent()
                .appendingPathComponent(".\(url.lastPathComponent).part-\(UUID().uuidString.prefix(8))").path
            let file = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard file >= 0 else {
                throw S3Error.localFile(path: url.path, reason: "cannot create a file beside it: \(Self.lastError)")
            }
            partialFile = file
            destination = url
            partial = temporary
        }
    }

    deinit {
        if bodyFile >= 0 { close(bodyFile) }
        if partialFile >= 0 { close(partialFile) }
        if let partial { unlink(partial) }
    }

    static func from(_ context: UnsafeMutableRawPointer?) -> CurlExchange {
        Unmanaged<CurlExchange>.fromOpaque(context!).takeUnretainedValue()
    }

    private static var lastError: String { String(cString: strerror(errno)) }

    // MARK: - Callbacks

    /// READFUNCTION: the next bytes of the body; 0 at its end.
    func send(into buffer: UnsafeMutablePointer<CChar>?, capacity: Int) -> Int {
        guard let buffer, !cancelled.load(ordering: .relaxed) else { return LibCurl.readAbort }
        if let bodyData {
            let count = min(capacity, bodyData.count - bodyOffset)
            guard count > 0 else { return 0 }
            let start = bodyData.startIndex + bodyOffset
            bodyData.copyBytes(to: UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: UInt8.self), from: start..<start + count)
            bodyOffset += count
            return count
        }
        guard bodyFile >= 0 else { return 0 }
        while true {
            let count = read(bodyFile, buffer, capacity)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            localFailure = .localFile(path: bodyPath, reason: "cannot read it: \(Self.lastError)")
            return LibCurl.readAbort
        }
    }

    /// WRITEFUNCTION: answer bytes; anything but `count` aborts the transfer.
    func receive(_ buffer: UnsafeMutablePointer<CChar>?, count: Int) -> Int {
        guard let buffer, !cancelled.load(ordering: .relaxed) else { return 0 }
        guard partialFile >= 0, (200..<300).contains(status) else {
            memory.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: count)
            return count
        }
        var written = 0
        while written < count {
            let result = write(partialFile, buffer + written, count - written)
            if result < 0 {
                if errno == EINTR { continue }
                localFailure = .localFile(path: destination?.path ?? "", reason: "cannot write it: \(Self.lastError)")
                return 0
            }
            written += result
        }
        return count
    }

    /// HEADERFUNCTION: one header line at a time; a status line starts a new answer.
    func header(_ buffer: UnsafeMutablePointer<CChar>?, count: Int) -> Int {
        guard let buffer else { return 0 }
        let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: count), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            status = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            headers = [:]
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return count
    }

    // MARK: - End

    /// The body kept in memory; for a successful answer to a file sink, the file is moved into
    /// place (replacing the destination) and the body is empty.
    func finish(succeeded: Bool) throws(S3Error) -> Data {
        guard let destination, let partial, succeeded else { return memory }
        close(partialFile)
        partialFile = -1
        guard rename(partial, destination.path) == 0 else {
            throw S3Error.localFile(path: destination.path, reason: "cannot move the download into place: \(Self.lastError)")
        }
        self.partial = nil
        return Data()
    }
}
#endif
