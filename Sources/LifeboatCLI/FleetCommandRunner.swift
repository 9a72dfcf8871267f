import ArgumentParser
import Foundation
import LifeboatEngines
import LifeboatKit
import Logging

/// Runs a command over every database of a `--targets` file: each target through exactly the
/// single-database path (its own `Lifeboat`, lock, snapshot and restore), a line per target as it
/// finishes, then the fleet's summary or one JSON object (SPEC "Fleets").
enum FleetCommandRunner {
    /// What one target ended with, kept as JSON so it can cross threads.
    struct TargetResult: Sendable {
        var status: FleetTargetStatus
        var exitCode: Int32?
        var envelope: String?
        var message: String?
    }

    /// The fleet when `--targets` (or LIFEBOAT_TARGETS) is given, else `CommandRunner.run`.
    static func run(_ command: String, _ global: GlobalOptions, _ fleet: FleetOptions, reportFile: String? = nil,
                    _ body: @escaping @Sendable (Lifeboat) throws -> CommandOutcome) throws {
        if try runIfRequested(command, global, fleet, reportFile: reportFile, body) { return }
        try CommandRunner.run(command, global, reportFile: reportFile, body)
    }

    /// Runs `body` per target when `--targets` (or LIFEBOAT_TARGETS) is given.
    /// - Returns: false when no fleet was asked for: the caller runs the single-database path.
    static func runIfRequested(_ command: String, _ global: GlobalOptions, _ fleet: FleetOptions, reportFile: String? = nil,
                               _ body: @escaping @Sendable (Lifeboat) throws -> CommandOutcome) throws -> Bool {
        do {
            try global.applyEnvironmentFile()
        } catch {
            CommandRunner.emit(command, global, nil, exitCode: ExitStatus.code(for: error), error: error, text: "")
            throw ExitCode(ExitStatus.code(for: error))
        }
        guard let file = fleet.targetsFile() else { return false }
        let logger = CommandRunner.makeLogger(global)
        let targets: [FleetTarget]
        let configurations: [Configuration]
        do {
            targets = try fleet.load(file, databaseURL: global.databaseURL)
            // Every target's configuration is built before any starts: a bad one stops the fleet untouched.
            configurations = try targets.map { target in
                var single = global
                single.databaseURL = target.url
                return try single.configuration(log: { [logger] in logger.debug("\($0)") })
            }
        } catch {
            let code = ExitStatus.code(for: error)
            CommandRunner.emit(command, global, nil, exitCode: code, error: error, text: "")
            try? CommandRunner.writeReport(reportFile, command, nil, exitCode: code, error: error)
            throw ExitCode(code)
        }

        let results = Results(count: targets.count)
        let format = global.format
        // Each target's own report only goes into the fleet's JSON (stdout or --report): in text,
        // none is kept, so the fleet's memory does not grow with the number of targets.
        let keepReports = format == .json || reportFile != nil
        let interrupt = FleetInterrupt()
        defer { interrupt.stopWatching() }
        let outcomes = FleetScheduler.run(count: targets.count, schedule: fleet.schedule,
                                          shouldStop: { interrupt.requested }) { index in
            let result = runOne(command, configurations[index], logger: logger, keepReport: keepReports, body)
            results.set(index, result)
            if format == .text { printLine(result, target: targets[index]) }
            return result.status != .failed
        }
        let final: [TargetResult] = outcomes.indices.map { index in
            outcomes[index] == nil ? TargetResult(status: .skipped) : results.get(index)
        }
        let summary = FleetSummary(final.map(\.status))
        let exitCode = FleetSummary.exitCode(final.map { ($0.status, $0.exitCode) })
        let json = keepReports ? render(command, targets: targets, results: final, summary: summary, exitCode: exitCode) : ""
        switch format {
        case .text:
            print("fleet: \(summary.total) targets: \(summary.ok) ok, \(summary.upToDate) up to date, \(summary.failed) failed, \(summary.skipped) skipped")
            for (target, result) in zip(targets, final) where result.status == .skipped {
                print("skipped      \(target.redacted)")
            }
        case .json:
            print(json)
        }
        if let reportFile {
            do {
                let url = URL(fileURLWithPath: reportFile)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data((json + "\n").utf8).write(to: url, options: .atomic)
            } catch where exitCode == 0 {
                throw ConfigurationError.badOption(flag: "--report", value: reportFile, reason: "cannot write it: \(error.localizedDescription)")
            } catch {}
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
        return true
    }

    /// One target, exactly as `CommandRunner.run` would run it, without printing.
    /// - Parameter keepReport: whether the target's JSON report is wanted; in text it is not even
    ///   rendered (it was a per-target cost of the fleet, thrown away).
    private static func runOne(_ command: String, _ configuration: Configuration, logger: Logger, keepReport: Bool,
                               _ body: (Lifeboat) throws -> CommandOutcome) -> TargetResult {
        let lifeboat = Lifeboat(configuration: configuration, engines: StandardEngines(), logger: logger)
        let outcome: CommandOutcome
        do {
            outcome = try body(lifeboat)
        } catch {
            let code = ExitStatus.code(for: error)
            let envelope = !keepReport ? nil
                : JSONEnvelope.render(command: command, report: nil, exitCode: code,
                                      error: (ExitStatus.kind(for: error), CommandRunner.describe(error), ExitStatus.databaseCode(for: error)))
            return TargetResult(status: .failed, exitCode: code, envelope: envelope, message: CommandRunner.describe(error))
        }
        let envelope = !keepReport ? nil
            : JSONEnvelope.render(command: command, report: outcome.report, exitCode: outcome.exitCode,
                                  error: outcome.problem.map { (ExitStatus.kind(for: $0), CommandRunner.describe($0), ExitStatus.databaseCode(for: $0)) })
        guard outcome.exitCode == ExitStatus.success else {
            return TargetResult(status: .failed, exitCode: outcome.exitCode, envelope: envelope,
                                message: outcome.problem.map(CommandRunner.describe))
        }
        let upToDate = (outcome.report as? MigrateReport)?.upToDate == true
        return TargetResult(status: upToDate ? .upToDate : .ok, exitCode: outcome.exitCode, envelope: envelope)
    }

    private static let printLock = NSLock()

    /// A line per target as it finishes; the error of a failed one on the same line.
    private static func printLine(_ result: TargetResult, target: FleetTarget) {
        let status = result.status.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
        var line = "\(status) \(target.redacted)"
        if let code = result.exitCode, code != 0 { line += " (exit \(code))" }
        if let message = result.message { line += ": \(message)" }
        printLock.lock(); defer { printLock.unlock() }
        // Unbuffered, so a line shows as its target finishes.
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// The fleet's one JSON object: `targets` (redacted URL, status, exit code, the target's own
    /// report) and `summary`.
    static func render(_ command: String, targets: [FleetTarget], results: [TargetResult], summary: FleetSummary, exitCode: Int32) -> String {
        let entries: [[String: Any]] = zip(targets, results).map { target, result in
            let report = result.envelope.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }
            return ["url": target.redacted, "position": target.position, "status": result.status.rawValue,
                    "exit_code": result.exitCode.map { Int($0) as Any } ?? NSNull(), "report": report ?? NSNull()]
        }
        let counts = (try? JSONSerialization.jsonObject(with: ReportJSON.encoder().encode(summary))) ?? [:]
        let object: [String: Any] = ["command": command, "ok": exitCode == 0, "exit_code": Int(exitCode),
                                     "targets": entries, "summary": counts]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Each target's result, written by its worker thread.
    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [TargetResult]

        init(count: Int) { results = Array(repeating: TargetResult(status: .skipped), count: count) }

        func set(_ index: Int, _ result: TargetResult) {
            lock.lock(); defer { lock.unlock() }
            results[index] = result
        }

        func get(_ index: Int) -> TargetResult {
            lock.lock(); defer { lock.unlock() }
            return results[index]
        }
    }
}
