import ArgumentParser
import LifeboatKit

/// `lifeboat create`: makes the target database when it does not exist, like `dbmate create`.
struct CreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create the target database when it does not exist (exit 0 when it does).")

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try CommandRunner.run("create", global) { lifeboat in
            let report = try lifeboat.create()
            let text = report.created ? "created \(report.database)" : "\(report.database) already exists"
            return CommandOutcome(report: report, text: text)
        }
    }
}
