import Foundation
import LifeboatCore

extension PostgresEngine {
    /// The check `restore` makes before its safety snapshot: the whole payload is decompressed
    /// (every gzip member's CRC-32 and length checked) and must end with `pg_dump`'s closing line,
    /// so a truncated dump is refused before anything is written. The statements themselves are
    /// checked by the restore, inside its one transaction. Nothing is kept (nil): the restore
    /// reads the payload again, as it replays it into the database.
    public func checkSnapshot(from source: ByteSource, scratch: URL) throws -> StagedSnapshot? {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { buffer.deallocate() }
        var tail: [UInt8] = []
        while true {
            let count = try source.read(into: buffer)
            if count == 0 { break }
            tail.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            if tail.count > 8192 { tail.removeFirst(tail.count - 4096) }
        }
        let marker = SQLDumpReader.completionMarker
        let found = tail.count >= marker.count && (0...(tail.count - marker.count)).contains { start in
            tail[start..<(start + marker.count)].elementsEqual(marker)
        }
        guard found else {
            throw EngineError.snapshotFailed("the snapshot is incomplete (it lacks pg_dump's closing line \"-- PostgreSQL database dump complete\")")
        }
        return nil
    }
}
