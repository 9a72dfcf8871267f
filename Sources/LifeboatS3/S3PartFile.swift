import Crypto
import Foundation

/// One multipart part gathered in a private file (0600) instead of memory, with its MD5 computed as
/// it is written, so the part can be uploaded streamed from disk with its Content-MD5.
///
/// Why: a part must be at least 5 MiB, and held in memory each part in flight costs its size at
/// least twice over (the buffer and the HTTP layer's copy of it), which kept a snapshot's peak
/// RSS at 70–100 MiB and growing with the database. From a file the part's bytes sit in the page
/// cache, not in the process.
final class S3PartFile: @unchecked Sendable {
    let url: URL
    private(set) var count = 0
    private var descriptor: Int32
    private var md5 = Insecure.MD5()

    /// Creates the file (exclusively, 0600) in `folder`.
    init(in folder: URL, partNumber: Int) throws {
        url = folder.appendingPathComponent("part-\(partNumber)-\(UUID().uuidString.prefix(8))")
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw S3Error.localFile(path: url.path, reason: String(cString: strerror(errno))) }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Appends bytes to the part.
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        md5.update(bufferPointer: bytes)
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw S3Error.localFile(path: url.path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        count += bytes.count
    }

    /// Closes the file; returns the part's Content-MD5 (base64).
    func finishWriting() throws -> String {
        let descriptor = self.descriptor
        self.descriptor = -1
        guard close(descriptor) == 0 else {
            throw S3Error.localFile(path: url.path, reason: String(cString: strerror(errno)))
        }
        return Data(md5.finalize()).base64EncodedString()
    }

    /// Deletes the file.
    func discard() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        unlink(url.path)
    }
}
