import Foundation

/// The progress of a snapshot: updates as the writer reports bytes, then one finished report
/// (with the final size on success, the last count on failure), never two.
final class SnapshotProgress: @unchecked Sendable {
    private let report: (@Sendable (ProgressUpdate) -> Void)?
    private let phase: ProgressPhase
    private let total: Int64?
    private let lock = NSLock()
    private var done: Int64 = 0
    private var finished = false

    init(_ report: (@Sendable (ProgressUpdate) -> Void)?, phase: ProgressPhase, total: Int64?) {
        self.report = report
        self.phase = phase
        self.total = total
    }

    var isActive: Bool { report != nil }

    func update(_ done: Int64) {
        lock.lock()
        self.done = done
        let open = !finished
        lock.unlock()
        if open { report?(ProgressUpdate(phase: phase, done: done, total: total)) }
    }

    func finish(done final: Int64? = nil, total finalTotal: Int64? = nil) {
        lock.lock()
        let first = !finished
        finished = true
        let done = final ?? self.done
        lock.unlock()
        if first { report?(ProgressUpdate(phase: phase, done: done, total: finalTotal ?? total, finished: true)) }
    }
}
