import Foundation

/// The crash campaign's pieces shared by both engines' crash suites: how many trials, a run killed
/// with `SIGKILL` at a chosen moment, an audit of the backups folder, and the tally printed at the
/// end so the counts can be reported.
public enum CrashTrials {
    /// Trials per phase: `LIFEBOAT_CRASH_TRIALS` when set (for a longer campaign), else `fallback`.
    public static func perPhase(default fallback: Int) -> Int {
        ProcessInfo.processInfo.environment["LIFEBOAT_CRASH_TRIALS"].flatMap { Int($0) }.map { max(1, $0) } ?? fallback
    }

    /// Runs `executable arguments…` and kills it with `SIGKILL` `delay` seconds after `trigger`
    /// first returns true (polled every millisecond; nil: counted from the start), when it is
    /// still running then. Returns whether the kill landed and the wall time of the run.
    public static func run(killingAfter delay: Double, trigger: (() -> Bool)? = nil, _ executable: String,
                           _ arguments: [String], in directory: URL,
                           environment: [String: String]) throws -> (killed: Bool, seconds: Double, exitCode: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let started = Date()
        try process.run()
        var killed = false
        var armed: Date? = trigger == nil ? started : nil
        while process.isRunning {
            if armed == nil, trigger?() == true { armed = Date() }
            if let armed, Date().timeIntervalSince(armed) >= delay {
                killed = kill(process.processIdentifier, SIGKILL) == 0
                break
            }
            usleep(armed == nil ? 1_000 : 300)
        }
        process.waitUntilExit()
        killed = killed && process.terminationReason == .uncaughtSignal
        return (killed, Date().timeIntervalSince(started), process.terminationStatus)
    }

    /// What must never be left in a backups folder, even after a kill: a file or folder others can
    /// read or write, a passfile, a child's error log, a file holding `secret`.
    public static func auditBackups(_ folder: URL, secret: String? = nil) -> [String] {
        var problems: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let relative = enumerator?.nextObject() as? String {
            let path = folder.appendingPathComponent(relative).path
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if info.st_mode & 0o077 != 0 { problems.append("\(relative) has mode \(String(info.st_mode & 0o777, radix: 8))") }
            let name = (relative as NSString).lastPathComponent
            if name.contains("pgpass") || name.hasSuffix(".stderr") { problems.append("\(relative) left on disk") }
            if let secret, (info.st_mode & S_IFMT) == S_IFREG, let data = FileManager.default.contents(atPath: path),
               data.range(of: Data(secret.utf8)) != nil {
                problems.append("\(relative) holds the password")
            }
        }
        return problems
    }

    /// Counts of trials by phase and by the state each kill left, printed as one line per phase.
    public final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [String: [String: Int]] = [:]
        private let engine: String

        public init(engine: String) { self.engine = engine }

        public func record(phase: String, state: String) {
            lock.withLock { counts[phase, default: [:]][state, default: 0] += 1 }
        }

        public var total: Int { lock.withLock { counts.values.flatMap(\.values).reduce(0, +) } }

        /// `crash trials (sqlite): migrate 6 [applied-part 3, before-changes 2, finished 1]; …`
        public var summary: String {
            lock.withLock {
                let phases = counts.keys.sorted().map { phase in
                    let states = counts[phase]!.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                    return "\(phase) \(counts[phase]!.values.reduce(0, +)) [\(states.joined(separator: ", "))]"
                }
                return "crash trials (\(engine)): \(counts.values.flatMap(\.values).reduce(0, +)) — \(phases.joined(separator: "; "))"
            }
        }
    }
}
