import ArgumentParser
import LifeboatKit

/// `lifeboat wait`: blocks until the target's server accepts connections, so a deploy script
/// need not retry and match error text (SPEC v2).
struct WaitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait until the target accepts connections (exit 2 with the last error when it does not).")

    // Parsed as text so that `--timeout -1` reaches the check that names the flag.
    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds to keep trying (default 60).", valueName: "seconds"))
    var timeout: String = "60"

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try CommandRunner.run("wait", global) { lifeboat in
            guard let seconds = Double(timeout), seconds >= 0, seconds.isFinite else {
                throw ConfigurationError.badOption(flag: "--timeout", value: timeout, reason: "use seconds ≥ 0")
            }
            let report = try lifeboat.wait(timeout: seconds)
            let text = "\(report.database) accepts connections (attempts: \(report.attempts))"
            return CommandOutcome(report: report, text: text)
        }
    }
}
