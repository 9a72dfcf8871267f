import ArgumentParser
import LifeboatKit

/// `lifeboat status`: where the database stands against the migrations folder.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the current version, applied and pending migrations, drift and the newest snapshot.")

    @Flag(help: "Exit 10 when migrations are pending.")
    var exitCode = false

    /// Many databases instead of one (SPEC "Fleets").
    @OptionGroup var fleet: FleetOptions

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let exitCode = exitCode
        try FleetCommandRunner.run("status", global, fleet) { lifeboat in
            let report = try lifeboat.status()
            let code: Int32 = report.hasProblems ? ExitStatus.code(for: .validation)
                : (exitCode && report.pendingCount > 0 ? ExitStatus.pending : ExitStatus.success)
            return CommandOutcome(report: report, text: TextRender.status(report), exitCode: code, problem: report.problem)
        }
    }
}
