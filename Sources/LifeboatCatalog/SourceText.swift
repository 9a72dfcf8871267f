#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
import LifeboatCore
#endif

/// The bytes of one migration file, checked as UTF-8, without a BOM, cut into lines.
///
/// Everything the parser does is line-based and works on bytes, so a folder of thousands of files
/// is read without building a `String` per line. Lines are numbered from 0 here; SQL scripts and
/// messages use 1-based line numbers.
struct SourceText {
    /// The file's bytes after the BOM.
    let bytes: [UInt8]
    /// Each line's byte range in `bytes`, without its line ending (`\n` or `\r\n`).
    let lines: [Range<Int>]

    /// Validates `raw` as UTF-8 without NUL bytes, strips a BOM and splits it into lines.
    /// - Throws: `CatalogError.nulByte` or `CatalogError.invalidUTF8` with the 0-based offset (in the
    ///   file as stored, BOM included) of the first NUL byte or the first byte of the first invalid
    ///   sequence. A NUL ends the text for both engines' C interfaces, so SQLite looped on it and
    ///   PostgreSQL ran only what came before it.
    init(raw: [UInt8], file: String) throws {
        if let offset = raw.withUnsafeBufferPointer({ buffer -> Int? in
            guard let base = buffer.baseAddress, let hit = memchr(base, 0, buffer.count) else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }) {
            throw CatalogError.nulByte(file: file, offset: offset)
        }
        if let offset = SourceText.firstInvalidUTF8Offset(raw) {
            throw CatalogError.invalidUTF8(file: file, offset: offset)
        }
        let content = raw.count >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF ? Array(raw[3...]) : raw
        var lines: [Range<Int>] = []
        var start = 0
        let count = content.count
        content.withUnsafeBufferPointer { buffer in
            var index = 0
            while index < count {
                if buffer[index] == 0x0A {
                    var end = index
                    if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                    lines.append(start..<end)
                    start = index + 1
                }
                index += 1
            }
        }
        if start < count {
            var end = count
            if content[end - 1] == 0x0D { end -= 1 }
            lines.append(start..<end)
        }
        self.bytes = content
        self.lines = lines
    }

    /// The text of lines `range` (0-based indices) joined with `\n`: CRLF becomes LF, line numbers stay.
    func text(lines range: Range<Int>) -> String {
        String(decoding: joined(lines: range, skipping: nil), as: UTF8.self)
    }

    /// The bytes of lines `range` joined with `\n`, leaving out the lines for which `skip` is true.
    func joined(lines range: Range<Int>, skipping skip: ((Int) -> Bool)?) -> [UInt8] {
        var out: [UInt8] = []
        var first = true
        for index in range {
            if let skip, skip(index) { continue }
            if !first { out.append(0x0A) }
            first = false
            out.append(contentsOf: bytes[lines[index]])
        }
        return out
    }

    // MARK: - UTF-8

    /// The 0-based offset of the first byte of the first ill-formed UTF-8 sequence, nil when `bytes`
    /// is valid UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { buffer -> Int? in
            let count = buffer.count
            var index = 0
            while index < count {
                let lead = buffer[index]
                if lead < 0x80 { index += 1; continue }
                let length: Int
                var low: UInt8 = 0x80
                var high: UInt8 = 0xBF
                switch lead {
                case 0xC2...0xDF: length = 2
                case 0xE0: length = 3; low = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: length = 3
                case 0xED: length = 3; high = 0x9F
                case 0xF0: length = 4; low = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4: length = 4; high = 0x8F
                default: return index
                }
                guard index + length <= count else { return index }
                let second = buffer[index + 1]
                guard second >= low, second <= high else { return index }
                var next = 2
                while next < length {
                    guard buffer[index + next] & 0xC0 == 0x80 else { return index }
                    next += 1
                }
                index += length
            }
            return nil
        }
    }

    // MARK: - Reading

    /// Reads a whole regular file (a symlink is followed and must end at one).
    ///
    /// The type is checked before the file is opened, and again on the open descriptor: opening a
    /// FIFO named like a migration would block every command forever, and a device may have side
    /// effects, so anything but a regular file is refused without being read.
    /// - Throws: `CatalogError.notARegularFile` for a folder, FIFO, device, socket or dangling symlink;
    ///   `CatalogError.unreadableFile` with the system's reason.
    static func readFile(atPath path: String) throws -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            var link = stat()
            if errno == ENOENT, lstat(path, &link) == 0 { throw CatalogError.notARegularFile(file: path, kind: "a symlink to nothing") }
            throw CatalogError.unreadableFile(file: path, reason: systemReason())
        }
        try requireRegular(info, path: path)
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw CatalogError.unreadableFile(file: path, reason: systemReason()) }
        defer { close(descriptor) }
        guard fstat(descriptor, &info) == 0 else { throw CatalogError.unreadableFile(file: path, reason: systemReason()) }
        try requireRegular(info, path: path)
        // One read into a buffer of the file's size (plus one byte to see the end); grow only when
        // the file grew meanwhile.
        var result = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
        var filled = 0
        while true {
            if filled == result.count { result.append(contentsOf: repeatElement(0, count: max(result.count, 4096))) }
            let got = result.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if got < 0 {
                if errno == EINTR { continue }
                throw CatalogError.unreadableFile(file: path, reason: systemReason())
            }
            if got == 0 { break }
            filled += got
        }
        result.removeLast(result.count - filled)
        return result
    }

    /// - Throws: `CatalogError.notARegularFile` naming what `info` describes when it is not a regular file.
    private static func requireRegular(_ info: stat, path: String) throws {
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: kind = "a folder"
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFCHR, S_IFBLK: kind = "a device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        throw CatalogError.notARegularFile(file: path, kind: kind)
    }

    private static func systemReason() -> String {
        String(cString: strerror(errno))
    }
}
