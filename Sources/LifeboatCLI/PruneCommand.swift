import ArgumentParser
import LifeboatKit

/// `lifeboat prune`: delete old snapshots and leftovers of interrupted ones.
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete snapshots beyond --keep and leftovers of interrupted snapshots.")

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try CommandRunner.run("prune", global) { lifeboat in
            let report = try lifeboat.prune()
            var lines = report.removed.map { "removed \($0)" } + report.leftovers.map { "removed leftover \($0)" }
                + report.scratchDatabases.map { "dropped scratch database \($0), left by a killed plan --rehearse-on copy" }
            lines.append("\(report.removed.count) snapshot(s) and \(report.leftovers.count) leftover(s) removed; newest \(report.kept) kept")
            return CommandOutcome(report: report, text: lines.joined(separator: "\n"))
        }
    }
}
