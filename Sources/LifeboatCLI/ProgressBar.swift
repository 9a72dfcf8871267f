import Foundation
import LifeboatKit

/// A one-line progress display on stderr, only on a terminal and never with `--quiet`:
/// `snapshot  [########------] 57%  15.4 MB/27.0 MB  4.7 MB/s`.
///
/// Each draw starts with a carriage return and "erase to end of line", so a shorter line never
/// leaves characters of a longer one behind; draws are at most ten a second; a phase's finished
/// update is drawn exactly once and ends the line, so what is printed next starts on its own line.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let write: (String) -> Void
    private var phase: ProgressPhase?
    private var started = Date()
    private var lastDraw = Date.distantPast
    private var finished = false
    private var lastDone: Int64 = 0

    init(write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.write = write
    }

    static func make(quiet: Bool) -> (@Sendable (ProgressUpdate) -> Void)? {
        guard !quiet, isatty(STDERR_FILENO) == 1 else { return nil }
        let bar = ProgressBar()
        return { bar.update($0) }
    }

    func update(_ update: ProgressUpdate) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        if update.phase != phase || (finished && update.done < lastDone) {
            // A new phase (the safety snapshot, then the restore) starts its own line and clock.
            phase = update.phase
            started = now
            lastDraw = .distantPast
            finished = false
        } else if finished {
            return  // a late report of a phase already drawn as finished
        }
        lastDone = update.done
        // The complete state is drawn once, by the finished update.
        let complete = update.total.map { update.done >= $0 } ?? false
        guard update.finished || (!complete && now.timeIntervalSince(lastDraw) >= 0.1) else { return }
        lastDraw = now
        finished = update.finished
        write("\r\u{1B}[K" + Self.line(update, seconds: now.timeIntervalSince(started)) + (update.finished ? "\n" : ""))
    }

    /// The text of one draw: phase, bar and percentage when the total is known, sizes, rate.
    static func line(_ update: ProgressUpdate, seconds: TimeInterval) -> String {
        var parts = [update.phase.rawValue]
        if let total = update.total, total > 0 {
            let fraction = min(1, Double(update.done) / Double(total))
            let width = 24
            let filled = Int(fraction * Double(width))
            parts.append("[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]")
            parts.append("\(Int(fraction * 100))%")
            parts.append(ByteCount.format(update.done) + "/" + ByteCount.format(total))
        } else {
            parts.append(ByteCount.format(update.done))
        }
        parts.append(ByteCount.format(Int64(Double(update.done) / max(seconds, 0.001))) + "/s")
        return parts.joined(separator: "  ")
    }
}
