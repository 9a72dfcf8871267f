import Foundation
import LifeboatKit

/// A one-line progress bar on stderr (bytes done/total and rate), only on a terminal and never
/// with `--quiet`.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let started = Date()
    private var lastDraw = Date.distantPast

    static func make(quiet: Bool) -> (@Sendable (Int64, Int64?) -> Void)? {
        guard !quiet, isatty(STDERR_FILENO) == 1 else { return nil }
        let bar = ProgressBar()
        return { done, total in bar.update(done: done, total: total) }
    }

    func update(done: Int64, total: Int64?) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        let finished = total.map { done >= $0 } ?? false
        guard finished || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let seconds = max(now.timeIntervalSince(started), 0.001)
        let rate = Double(done) / seconds
        var line = "\r\(ByteCount.format(done))"
        if let total, total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let sizes = ByteCount.format(done) + "/" + ByteCount.format(total)
            line = "\r[\(bar)] \(Int(fraction * 100))% \(sizes)"
        }
        line += " \(ByteCount.format(Int64(rate)))/s"
        if finished { line += "\n" }
        FileHandle.standardError.write(Data(line.utf8))
    }
}
