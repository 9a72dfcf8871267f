/// Compressed bytes for a `GzipReader` that are still arriving and vouched for only at their end:
/// a remote snapshot's payload being downloaded, its SHA-256 checked once it is all there.
///
/// Why: decompressing while the download goes on hides one behind the other. The reader is told
/// the end of the input only after the input has been checked, and any damage it finds on the way
/// is replaced by the input's own verdict (`settle`), so what a consumer sees is the same as for a
/// payload checked before the first byte: every byte and a clean end, or the checksum error.
public protocol GzipInput: AnyObject {
    /// Fills up to `buffer.count` bytes, waiting until some have arrived; 0 only at the end, once
    /// the input is known to be whole and correct.
    /// - Throws: what is wrong with the input (a checksum mismatch, a failed download).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Waits until the input is complete and checked.
    /// - Throws: what is wrong with it, as `read` would.
    func settle() throws
    /// The reader will read no more: the input may stop arriving.
    func close()
}
