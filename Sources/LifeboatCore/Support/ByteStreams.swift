/// Where a stream of bytes goes: a gzip writer, a file, a child's stdin.
///
/// Snapshots and restores move database payloads of any size; passing them as streams of small
/// buffers keeps memory flat (STYLE: "Streams, not whole files in memory").
public protocol ByteSink: AnyObject {
    /// Consumes `bytes`; the buffer is only valid during the call.
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// Where a stream of bytes comes from: a gzip reader, a file.
public protocol ByteSource: AnyObject {
    /// Fills up to `buffer.count` bytes and returns how many; 0 means the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}
