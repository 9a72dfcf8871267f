import ArgumentParser
import LifeboatKit

/// `lifeboat baseline`: adopt a database created before Lifeboat.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Record every migration up to a version as 'baseline' without running it.")

    @Argument(help: "The version the existing database already matches.")
    var version: String

    @Flag(help: "Do not ask for confirmation (needed without a terminal).")
    var yes = false

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if MigrationVersion(version) == nil { throw ValidationError("'\(version)' is not a version (digits only)") }
    }

    func run() throws {
        try CommandRunner.run("baseline", global) { lifeboat in
            try Confirmation.require("baseline", yes: yes, question: "Record migrations up to \(version) as applied without running them?")
            let report = try lifeboat.baseline(MigrationVersion(version)!)
            return CommandOutcome(report: report, text: report.changes.isEmpty ? "nothing to record" : report.changes.joined(separator: "\n"))
        }
    }
}
