import ArgumentParser
import LifeboatKit

/// `lifeboat plan`: validate, lint and rehearse the pending migrations without changing the target.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Dry run: validate, lint, and rehearse pending migrations where the target cannot change.")

    @Flag(help: "Validate and lint only; do not rehearse.")
    var noRehearse = false

    @Flag(help: "Destructive statements are intended: report them, do not fail.")
    var allowDestructive = false

    @Flag(help: "Accept a pending migration older than the newest applied one.")
    var allowOutOfOrder = false

    @Option(help: "Plan migrations up to and including this version only.")
    var target: String?

    @Option(help: ArgumentHelp("Seconds the whole rehearsal may run before it is cancelled (PostgreSQL statement_timeout; 0: no limit).",
                               valueName: "seconds"))
    var rehearsalTimeout: Double = 60

    @Option(help: ArgumentHelp("Where to rehearse: the target (PostgreSQL: in a transaction rolled back) or a copy (PostgreSQL: a scratch database made from a fresh snapshot, needs CREATEDB, dropped afterwards; SQLite always rehearses on a copy).",
                               valueName: "target|copy"))
    var rehearseOn: RehearsalPlace = .target

    @Option(help: ArgumentHelp("Report sessions whose transaction is older than this (or idle in transaction) holding locks on the tables the pending migrations touch (default 60).", valueName: "seconds"))
    var preflightMaxAge: Double = 60

    /// Many databases instead of one (SPEC "Fleets").
    @OptionGroup var fleet: FleetOptions

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let target, MigrationVersion(target) == nil {
            throw ValidationError("--target '\(target)' is not a version (digits only)")
        }
        guard rehearsalTimeout >= 0, rehearsalTimeout.isFinite else {
            throw ValidationError("--rehearsal-timeout '\(rehearsalTimeout)': use a number of seconds ≥ 0 (0: no limit)")
        }
    }

    func run() throws {
        var options = PlanOptions(target: target.flatMap(MigrationVersion.init), rehearse: !noRehearse,
                                  allowDestructive: allowDestructive, allowOutOfOrder: allowOutOfOrder,
                                  rehearsalTimeout: rehearsalTimeout > 0 ? rehearsalTimeout : nil,
                                  rehearseOn: rehearseOn)
        options.preflight = try PreflightOptions.preflight(mode: .warn, maxAge: preflightMaxAge)
        try PlanCommand.run(global, options, fleet: fleet)
    }

    /// Shared with `migrate --dry-run`.
    static func run(_ global: GlobalOptions, _ options: PlanOptions, fleet: FleetOptions) throws {
        try FleetCommandRunner.run("plan", global, fleet) { lifeboat in
            CommandOutcome(try lifeboat.planResult(options), text: TextRender.plan)
        }
    }
}

extension RehearsalPlace: ExpressibleByArgument {}
