import Crypto
import LifeboatCore

/// The checksum recorded in the history table: SHA-256 (lower-case hex) of the normalised up section.
///
/// Normalised (SPEC "Precise points"): the up section's lines without directive lines, BOM removed,
/// CRLF turned into LF, trailing blank lines and trailing white space at its end removed, as UTF-8.
/// So editing the down or verify section, adding trailing blank lines, or switching line endings
/// is not drift; any other edit of the up section is.
public enum MigrationChecksum {
    /// The checksum of already normalised up-section bytes (`\n` line ends, no directive lines);
    /// trailing white space is removed here.
    static func of(normalizedUpSection bytes: [UInt8]) -> String {
        var end = bytes.count
        while end > 0, isTrailingSpace(bytes[end - 1]) { end -= 1 }
        return hex(SHA256.hash(data: bytes[0..<end]))
    }

    /// The checksum of an up section given as text: removes a BOM, turns CRLF into LF, drops
    /// directive lines (`-- lifeboat:…`, `-- migrate:…`) and trailing white space.
    public static func of(upSection text: String) -> String {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count)
        var first = true
        for var line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if line.last == 0x0D { line = line.dropLast() }
            if isDirectiveLine(line) { continue }
            if !first { kept.append(0x0A) }
            first = false
            kept.append(contentsOf: line)
        }
        return of(normalizedUpSection: kept)
    }

    /// Whether a line is a directive line (a comment starting `lifeboat:` or `migrate:` and a
    /// letter, known or not), which the checksum leaves out.
    static func isDirectiveLine(_ line: ArraySlice<UInt8>) -> Bool {
        do {
            return try MigrationDirective.parse(line, file: "", lineNumber: 0) != nil
        } catch {
            return true
        }
    }

    @inline(__always) private static func isTrailingSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    private static let digits = Array("0123456789abcdef".utf8)

    private static func hex(_ digest: SHA256.Digest) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
