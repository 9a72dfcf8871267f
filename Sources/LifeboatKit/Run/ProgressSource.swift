import Foundation

/// Counts bytes as they pass, for the progress bar of a restore.
final class ProgressSource: ByteSource {
    private let source: ByteSource
    private let total: Int64
    private var progress: (@Sendable (ProgressUpdate) -> Void)?
    private var done: Int64 = 0

    init(_ source: ByteSource, total: Int64, progress: (@Sendable (ProgressUpdate) -> Void)?) {
        self.source = source
        self.total = total
        self.progress = progress
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try source.read(into: buffer)
        // The end of the stream (0 bytes) is no news: `finish` reports the last state once.
        guard count > 0 else { return count }
        done += Int64(count)
        progress?(ProgressUpdate(phase: .restore, done: done, total: total))
        return count
    }

    /// Reports the last state once, finished; later calls do nothing.
    func finish() {
        progress?(ProgressUpdate(phase: .restore, done: done, total: total, finished: true))
        progress = nil
    }
}
