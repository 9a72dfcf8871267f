import ArgumentParser
import LifeboatKit

/// `lifeboat repair`: after a reviewed manual fix, make the history agree with the files.
struct RepairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Re-record checksums from the files and delete 'failed' rows; prints each change.")

    @Flag(help: "Do not ask for confirmation (needed without a terminal).")
    var yes = false

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try CommandRunner.run("repair", global) { lifeboat in
            try Confirmation.require("repair", yes: yes, question: "Rewrite the history of \(lifeboat.configuration.databaseURL.redacted)?")
            let report = try lifeboat.repair()
            return CommandOutcome(report: report, text: report.changes.isEmpty ? "nothing to repair" : report.changes.joined(separator: "\n"))
        }
    }
}
