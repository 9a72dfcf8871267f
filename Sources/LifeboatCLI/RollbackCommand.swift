import ArgumentParser
import LifeboatKit

/// `lifeboat rollback`: snapshot, then run down sections newest first.
struct RollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Take a snapshot, then run down sections of the newest migrations (default: one).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "How many of the newest applied migrations to roll back (default 1).")
    var steps: Int?

    @Option(help: "Roll back every migration newer than this version, which stays applied.")
    var to: String?

    @Flag(help: "Do not ask for confirmation (needed without a terminal).")
    var yes = false

    @Option(help: "After a failure: 'restore' the snapshot (default) or 'keep' what was rolled back.")
    var onFailure: MigrateOptions.OnFailure = .restore

    func validate() throws {
        if steps != nil && to != nil { throw ValidationError("use --steps or --to, not both") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        if let to, MigrationVersion(to) == nil { throw ValidationError("--to '\(to)' is not a version (digits only)") }
    }

    func run() throws {
        let range: RollbackRange = to.flatMap(MigrationVersion.init).map { .to($0) } ?? .steps(steps ?? 1)
        try CommandRunner.run("rollback", global) { lifeboat in
            try Confirmation.require("rollback", yes: yes, question: "Run down sections on \(lifeboat.configuration.databaseURL.redacted)?")
            let report = try lifeboat.rollback(range, onFailure: onFailure)
            return CommandOutcome(report: report, text: TextRender.rollback(report))
        }
    }
}
