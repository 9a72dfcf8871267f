import Foundation
import LifeboatCore

/// A failure while writing or reading a gzip stream.
///
/// Snapshot payloads are gzip files; anything that goes wrong with one (the disk is full, the file was
/// cut short or damaged, it is not gzip at all) is a snapshot failure (exit 5), except an invalid
/// compression level, which is the caller's mistake (exit 2). Every message names the file and,
/// for damaged input, the byte offset in the compressed file where the problem was seen.
public enum GzipError: LifeboatError, Equatable {
    /// The compression level is outside 1…9.
    case invalidLevel(Int)
    /// The file could not be opened or created.
    case cannotOpen(path: String, reason: String)
    /// `write(2)` failed with an error other than "no space left".
    case writeFailed(path: String, reason: String)
    /// The device is full (ENOSPC), over quota (EDQUOT), or the file is over the process's file-size
    /// limit (EFBIG); `reason` is the system's own words for which, so the operator knows what to raise.
    case diskFull(path: String, reason: String)
    /// `read(2)` failed.
    case readFailed(path: String, reason: String)
    /// zlib refused to initialise or to compress (out of memory, most likely).
    case compressionFailed(reason: String)
    /// The writer was used after `finish()` or after an earlier failure it already reported.
    case writerClosed
    /// The file does not start with the gzip magic bytes, or is empty.
    case notGzip(path: String, reason: String)
    /// The file ends in the middle of a gzip member.
    case truncated(path: String, offset: Int64)
    /// The compressed data of a member is invalid (bad header, bad block, bad header CRC).
    case corrupt(path: String, member: Int, offset: Int64, reason: String)
    /// A member decompressed, but its CRC-32 does not match the one in its trailer.
    case crcMismatch(path: String, member: Int)
    /// A member decompressed, but its length does not match the ISIZE in its trailer.
    case lengthMismatch(path: String, member: Int)
    /// After the last complete member comes something that is not another gzip member.
    case trailingGarbage(path: String, offset: Int64)

    public var category: ErrorCategory {
        switch self {
        case .invalidLevel: return .usage
        default: return .snapshot
        }
    }

    public var description: String {
        switch self {
        case .invalidLevel(let level):
            return "compression level \(level) is out of range; use 1 (fastest) to 9 (smallest)"
        case .cannotOpen(let path, let reason):
            return "cannot open '\(path)': \(reason)"
        case .writeFailed(let path, let reason):
            return "cannot write '\(path)': \(reason)"
        case .diskFull(let path, let reason):
            return "no space left (disk full, quota, or file-size limit: \(reason)) while writing '\(path)'; free space, raise the limit, or point --backups elsewhere"
        case .readFailed(let path, let reason):
            return "cannot read '\(path)': \(reason)"
        case .compressionFailed(let reason):
            return "compression failed: \(reason)"
        case .writerClosed:
            return "the gzip writer was already finished or failed; nothing more can be written"
        case .notGzip(let path, let reason):
            return "'\(path)' is not a gzip file: \(reason)"
        case .truncated(let path, let offset):
            return "'\(path)' is truncated: it ends at byte \(offset) in the middle of a gzip member; the copy is incomplete, use another snapshot"
        case .corrupt(let path, let member, let offset, let reason):
            return "'\(path)' is damaged: gzip member \(member) is invalid near byte \(offset) (\(reason)); use another snapshot"
        case .crcMismatch(let path, let member):
            return "'\(path)' is damaged: the CRC-32 of gzip member \(member) does not match its contents; use another snapshot"
        case .lengthMismatch(let path, let member):
            return "'\(path)' is damaged: the length of gzip member \(member) does not match its trailer; use another snapshot"
        case .trailingGarbage(let path, let offset):
            return "'\(path)' has data that is not gzip after its last complete member, at byte \(offset); the file was damaged or appended to"
        }
    }
}

/// The system's message for an `errno` value, with the number, for error messages.
func describeErrno(_ code: Int32) -> String {
    // glibc's strerror returns a constant string for every known code, so it is safe across threads.
    "\(String(cString: strerror(code))) (errno \(code))"
}
