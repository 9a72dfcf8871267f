/// Which long step a progress update belongs to, so a display can label it and start afresh.
public enum ProgressPhase: String, Sendable {
    case snapshot
    case restore
}

/// One report of a streaming snapshot or restore, for a progress display.
///
/// A phase sends any number of updates, then exactly one with `finished` set (also when the step
/// failed), so a display draws its last state once and ends its line before anything else is
/// printed.
public struct ProgressUpdate: Sendable, Equatable {
    public var phase: ProgressPhase
    /// Bytes of the uncompressed payload done so far.
    public var done: Int64
    /// The expected total, when known (a SQLite file's size, a manifest's `raw_bytes`).
    public var total: Int64?
    public var finished: Bool

    public init(phase: ProgressPhase, done: Int64, total: Int64?, finished: Bool = false) {
        self.phase = phase
        self.done = done
        self.total = total
        self.finished = finished
    }
}
