import ArgumentParser
import Foundation
import LifeboatKit

extension MigrateOptions.OnFailure: ExpressibleByArgument {}

/// `lifeboat migrate`: snapshot, then apply every pending migration.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Take a snapshot, then apply pending migrations; restore the snapshot if one fails.",
        aliases: ["up"])

    @Option(help: "Apply migrations up to and including this version only.")
    var target: String?

    @Option(help: "After a failure: 'restore' the pre-run snapshot (default) or 'keep' what was committed.")
    var onFailure: MigrateOptions.OnFailure = .restore

    @Flag(help: "Do not take a snapshot first (a failure then cannot be undone by a restore).")
    var noSnapshot = false

    @Flag(help: "Apply all pending migrations in one transaction.")
    var atomic = false

    @Flag(help: "Apply a pending migration older than the newest applied one.")
    var allowOutOfOrder = false

    @Option(help: "After success, write the normalised schema to this file.")
    var dumpSchema: String?

    @Option(help: ArgumentHelp("Times a migration cancelled by the statement lock timeout is run again, after a growing pause (env LIFEBOAT_LOCK_RETRIES; default 3).", valueName: "n"))
    var lockRetries: String?

    @OptionGroup var preflight: PreflightOptions

    @Option(help: "Write the run's report as JSON to this file (also when the run fails).")
    var report: String?

    @Flag(help: "Do not migrate: the same as `lifeboat plan`.")
    var dryRun = false

    /// Many databases instead of one (SPEC "Fleets").
    @OptionGroup var fleet: FleetOptions

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let target, MigrationVersion(target) == nil {
            throw ValidationError("--target '\(target)' is not a version (digits only)")
        }
    }

    func run() throws {
        if dryRun {
            var plan = PlanOptions(target: target.flatMap(MigrationVersion.init), allowOutOfOrder: allowOutOfOrder)
            plan.preflight = try preflight.value()
            return try PlanCommand.run(global, plan, fleet: fleet)
        }
        let options = MigrateOptions(target: target.flatMap(MigrationVersion.init), onFailure: onFailure,
                                     noSnapshot: noSnapshot, atomic: atomic, allowOutOfOrder: allowOutOfOrder,
                                     dumpSchema: dumpSchema, lockRetries: try LockRetriesOption.value(lockRetries),
                                     preflight: try preflight.value())
        try FleetCommandRunner.run("migrate", global, fleet, reportFile: report) { lifeboat in
            CommandOutcome(try lifeboat.migrateResult(options), text: TextRender.migrate)
        }
    }
}
