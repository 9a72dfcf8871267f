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

    /// Where a trial's kill lands: odd trials anywhere in a run of `runSeconds` (mostly its
    /// snapshot, the longest step), even ones within `window` seconds of the trial's trigger.
    public static func killPoint(trial: Int, runSeconds: Double, window: Double) -> (delay: Double, afterTrigger: Bool) {
        trial % 2 == 1 ? (Double.random(in: 0...runSeconds), false) : (Double.random(in: 0...window), true)
    }

    /// What was being killed.
    public enum Phase: String, Sendable {
        case migrate
        case autoRestore = "auto-restore"
        case restore
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

        /// Records a trial by the state the kill left: how many of the run's `total` migrations
        /// were applied afterwards, and whether a `restoring` marker was left.
        public func record(_ phase: Phase, killed: Bool, applied: Int, of total: Int, marker: Bool) {
            let state: String
            switch phase {
            case .migrate:
                state = !killed ? "finished" : applied == 0 ? "killed-before-any-applied"
                    : applied == total ? "killed-after-all-applied" : "killed-part-applied"
            case .autoRestore:
                state = marker ? "killed-during-restore" : !killed ? "finished"
                    : applied == 0 ? "killed-at-start-or-after-restore" : "killed-before-restore"
            case .restore:
                state = !killed ? "finished" : applied == 0 ? "killed-after-restore" : "killed-before-restore"
            }
            record(phase: phase.rawValue, state: state)
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

/// One engine's crash bench: runs the real binary killed at a chosen point, and checks the
/// database and backups afterwards with the engine's own tools. The trials below are the same
/// on every engine.
public protocol CrashBench: AnyObject {
    /// The migrations a trial's `migrate --target 0005` applies after 0001.
    var trialVersions: [String] { get }
    var backups: URL { get }
    /// The database password, to look for on disk (nil when there is none).
    var secret: String? { get }
    func run(_ arguments: [String], killingAfter delay: Double,
             trigger: (() -> Bool)?) throws -> (killed: Bool, seconds: Double, exitCode: Int32)
    /// `lifeboat arguments…` run to its end.
    func lifeboat(_ arguments: [String]) throws -> (exitCode: Int32, stdout: String, stderr: String)
    /// Read with the engine's own tool (`sqlite3`, `psql`), after the engine's own integrity
    /// checks: the history rows as (version, status, snapshot_id) and the tables.
    func inspect(_ label: String) throws -> (history: [[String]], tables: Set<String>)
    /// How many snapshots the backups folder holds (one more: the run's snapshot is stored).
    func manifestCount() -> Int
}

extension CrashBench {
    /// Every check after a kill: 0001 and the bulk table intact; each migration's table exists iff
    /// its `applied` row does; the failing migration (0006) left nothing; no `failed` row; the
    /// backups folder clean; a `restoring` marker named by `status` (exit 3, JSON
    /// `interrupted_restore`, `lifeboat restore <id>` in the message), else `status` exit 0.
    /// - Returns: the applied versions among `trialVersions` and the marker's snapshot, if any.
    public func check(_ label: String) throws -> (applied: [String], marker: String?) {
        let (rows, tables) = try inspect(label)
        var problems: [String] = []
        let applied = rows.filter { $0[1] == "applied" }.map { $0[0] }
        if !applied.contains("0001") || !tables.contains("bulk") { problems.append("0001 lost") }
        for version in trialVersions where applied.contains(version) != tables.contains("t\(version)") {
            problems.append("history and tables disagree on \(version)")
        }
        if tables.contains("t0006") || rows.contains(where: { $0[0] == "0006" }) { problems.append("the failing migration left something") }
        if rows.contains(where: { $0[1] == "failed" }) { problems.append("a failed row") }
        problems += CrashTrials.auditBackups(backups, secret: secret)

        let marker = rows.first { $0[1] == "restoring" }.map { $0[2] }
        let status = try lifeboat(["status", "--format", "json"])
        if let marker {
            let json = (try? JSONSerialization.jsonObject(with: Data(status.stdout.utf8))) as? [String: Any] ?? [:]
            let message = (json["error"] as? [String: Any])?["message"] as? String ?? ""
            if status.exitCode != 3 || json["interrupted_restore"] as? String != marker || !message.contains("lifeboat restore \(marker)") {
                problems.append("status does not name the interrupted restore of \(marker): exit \(status.exitCode) \(status.stdout)")
            }
        } else if status.exitCode != 0 {
            problems.append("status exit \(status.exitCode): \(status.stdout)")
        }
        guard problems.isEmpty else {
            throw CrashTrialFailure(description: "\(label): \(problems.joined(separator: "; ")) — history \(rows), tables \(tables.sorted())")
        }
        return (applied.filter { trialVersions.contains($0) }, marker)
    }

    /// The way out `status` names: `restore <id>` brings the database back to 0001, marker gone.
    public func takeTheWayOut(_ marker: String, _ label: String) throws {
        let restored = try lifeboat(["restore", marker, "--yes", "--no-safety-snapshot"])
        let after = try check(label + " after restore")
        guard restored.exitCode == 0, after.applied.isEmpty, after.marker == nil else {
            throw CrashTrialFailure(description: "\(label): the way out failed: exit \(restored.exitCode) \(restored.stderr), then \(after)")
        }
    }

    /// A `migrate` trial from version 0001: killed anywhere, or once the snapshot is stored and
    /// the migrations run; checked; tallied. No kill during `migrate` may leave a marker.
    public func migrateTrial(_ trial: Int, runSeconds: Double, tally: CrashTrials.Tally) throws {
        let before = manifestCount()
        let point = CrashTrials.killPoint(trial: trial, runSeconds: runSeconds, window: 0.3)
        let outcome = try run(["migrate", "--target", "0005"], killingAfter: point.delay,
                              trigger: point.afterTrigger ? { [unowned self] in manifestCount() > before } : nil)
        let state = try check("migrate trial \(trial)")
        if state.marker != nil { throw CrashTrialFailure(description: "migrate trial \(trial) left a restoring marker") }
        tally.record(.migrate, killed: outcome.killed, applied: state.applied.count, of: trialVersions.count, marker: false)
    }

    /// An automatic-restore trial from 0001 with a failing 0006: killed within `window` seconds of
    /// `underWay` (the restore after the failure has begun); a `restoring` marker left behind must
    /// be named by `status`, and the way out it names must work.
    public func automaticRestoreTrial(_ trial: Int, window: Double, underWay: @escaping () -> Bool,
                                      tally: CrashTrials.Tally) throws {
        let outcome = try run(["migrate"], killingAfter: Double.random(in: 0...window), trigger: underWay)
        let label = "automatic restore trial \(trial)"
        let state = try check(label)
        // Killed once the restore began: either it completed (back at 0001) or the marker says
        // it did not. A half-migrated database with nothing to say so is the bug this prevents.
        guard state.marker != nil || state.applied.isEmpty else {
            throw CrashTrialFailure(description: "\(label): killed during the automatic restore, the database holds "
                + "\(state.applied) and nothing marks the interrupted restore")
        }
        tally.record(.autoRestore, killed: outcome.killed, applied: state.applied.count, of: trialVersions.count,
                     marker: state.marker != nil)
        if let marker = state.marker { try takeTheWayOut(marker, label) }
    }

    /// A `restore <snapshot>` trial from the fully migrated state back to 0001: killed anywhere, or
    /// within `window` seconds of `underWay`; the database must be the old one or the restored
    /// one, never something between.
    public func restoreTrial(_ trial: Int, snapshot: String, runSeconds: Double, window: Double,
                             underWay: @escaping () -> Bool, tally: CrashTrials.Tally) throws {
        let point = CrashTrials.killPoint(trial: trial, runSeconds: runSeconds, window: window)
        let outcome = try run(["restore", snapshot, "--yes"], killingAfter: point.delay,
                              trigger: point.afterTrigger ? underWay : nil)
        let state = try check("restore trial \(trial)")
        guard state.applied.isEmpty || state.applied == trialVersions else {
            throw CrashTrialFailure(description: "restore trial \(trial): half restored, applied \(state.applied)")
        }
        tally.record(.restore, killed: outcome.killed, applied: state.applied.count, of: trialVersions.count, marker: false)
    }
}

/// A crash trial found a state that must never happen.
public struct CrashTrialFailure: Error, CustomStringConvertible {
    public let description: String
}
