import ArgumentParser
import Foundation
import LifeboatEngines
import LifeboatKit
import Logging

/// What a command produced: the report for `--format json`, the text for humans, the exit code.
struct CommandOutcome {
    var report: (any Encodable)?
    var text: String
    var exitCode: Int32 = ExitStatus.success
    /// A problem the command found and reports with its output (e.g. `status` finding drift).
    var problem: (any LifeboatError)?
}

extension CommandOutcome {
    /// The outcome of a run that reports what it did also when it stops halfway: the report
    /// either way, the error and its exit code when it failed.
    /// - Parameter failedText: the text shown for a failed run, when it differs from `text`.
    init<Report: Encodable & Sendable>(_ result: RunResult<Report>, text: (Report) -> String,
                                      failedText: ((Report) -> String)? = nil) {
        report = result.report
        if result.error != nil, let failedText {
            self.text = failedText(result.report)
        } else {
            self.text = text(result.report)
        }
        problem = result.error
        exitCode = result.error.map { ExitStatus.code(for: $0.category) } ?? ExitStatus.success
    }
}

/// Runs a command's body the same way for every command: configuration from flags and
/// environment, one orchestrator, output as text or exactly one JSON object, SPEC exit codes.
enum CommandRunner {
    /// - Parameter reportFile: also write the JSON object to this file (`migrate --report`).
    static func run(_ command: String, _ global: GlobalOptions, reportFile: String? = nil,
                    _ body: (Lifeboat) throws -> CommandOutcome) throws {
        let logger = makeLogger(global)
        do {
            let configuration = try global.configuration(log: { [logger] in logger.debug("\($0)") })
            var lifeboat = Lifeboat(configuration: configuration, engines: StandardEngines(), logger: logger)
            lifeboat.progress = ProgressBar.make(quiet: global.quiet)
            let outcome = try body(lifeboat)
            emit(command, global, outcome.report, exitCode: outcome.exitCode, error: outcome.problem, text: outcome.text)
            if outcome.exitCode != ExitStatus.success {
                // The run's own failure decides the exit code, not a report file that cannot be written.
                try? writeReport(reportFile, command, outcome.report, exitCode: outcome.exitCode, error: outcome.problem)
                throw ExitCode(outcome.exitCode)
            }
            try writeReport(reportFile, command, outcome.report, exitCode: outcome.exitCode, error: outcome.problem)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            let code = ExitStatus.code(for: error)
            // A run that failed halfway returns its report in a `RunResult` (see `CommandOutcome`):
            // an error here stopped the command before it had anything to report.
            emit(command, global, nil, exitCode: code, error: error, text: "")
            try? writeReport(reportFile, command, nil, exitCode: code, error: error)
            throw ExitCode(code)
        }
    }

    static func makeLogger(_ global: GlobalOptions) -> Logger {
        let level: Logger.Level = global.quiet ? .error : (global.verbose ? .debug : .notice)
        return Logger(label: "lifeboat") { _ in StderrLogHandler(logLevel: level) }
    }

    /// Prints the outcome: text on stdout and the error on stderr, or one JSON object on stdout.
    static func emit(_ command: String, _ global: GlobalOptions, _ report: (any Encodable)?, exitCode: Int32,
                     error: Error?, text: String) {
        switch global.format {
        case .text:
            // Text that ends its own last line (a schema dump) is printed as it is, so
            // `lifeboat schema > file` writes exactly what `lifeboat schema file` does.
            if !text.isEmpty { print(text, terminator: text.hasSuffix("\n") ? "" : "\n") }
            if let error {
                FileHandle.standardError.write(Data("lifeboat: error: \(describe(error))\n".utf8))
            }
        case .json:
            print(JSONEnvelope.render(command: command, report: report, exitCode: exitCode,
                                      error: error.map { (ExitStatus.kind(for: $0), describe($0), ExitStatus.databaseCode(for: $0)) }))
        }
    }

    /// Writes the same JSON object as `--format json` to `path`.
    static func writeReport(_ path: String?, _ command: String, _ report: (any Encodable)?, exitCode: Int32, error: Error?) throws {
        guard let path else { return }
        let json = JSONEnvelope.render(command: command, report: report, exitCode: exitCode,
                                       error: error.map { (ExitStatus.kind(for: $0), describe($0), ExitStatus.databaseCode(for: $0)) })
        do {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data((json + "\n").utf8).write(to: url, options: .atomic)
        } catch {
            throw ConfigurationError.badOption(flag: "--report", value: path, reason: "cannot write it: \(error.localizedDescription)")
        }
    }

    static func describe(_ error: Error) -> String {
        (error as? LifeboatError)?.description ?? String(describing: error)
    }
}

/// The one JSON object each command prints with `--format json`.
enum JSONEnvelope {
    static func render(command: String, report: (any Encodable)?, exitCode: Int32, error: (kind: String, message: String, code: DatabaseErrorCode?)?) -> String {
        var object: [String: Any] = [:]
        if let report, let data = try? ReportJSON.encoder().encode(report),
           let fields = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            object = fields
        }
        object["command"] = command
        object["ok"] = error == nil && exitCode == 0
        object["exit_code"] = Int(exitCode)
        if let error {
            var fields: [String: Any] = ["kind": error.kind, "message": error.message]
            // The database's own code, so scripts act on facts rather than on message text.
            switch error.code {
            case .sqlState(let state): fields["sqlstate"] = state
            case .sqlite(let code): fields["sqlite_code"] = Int(code)
            case nil: break
            }
            object["error"] = fields
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
