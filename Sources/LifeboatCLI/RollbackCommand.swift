import ArgumentParser
import Foundation
import LifeboatKit

/// `lifeboat rollback`: snapshot, then run down sections newest first.
struct RollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Take a snapshot, then run down sections of the newest migrations (default: one).",
        aliases: ["down"])

    @Option(parsing: .unconditional, help: "How many of the newest applied migrations to roll back (default 1).")
    var steps: Int?

    @Option(help: "Roll back every migration newer than this version, which stays applied.")
    var to: String?

    @Flag(help: "Do not ask for confirmation (needed without a terminal).")
    var yes = false

    @Option(help: "After a failure: 'restore' the snapshot (default) or 'keep' what was rolled back.")
    var onFailure: MigrateOptions.OnFailure = .restore

    @Option(help: ArgumentHelp("Times a down section cancelled by the statement lock timeout is run again, after a growing pause (env LIFEBOAT_LOCK_RETRIES; default 3).", valueName: "n"))
    var lockRetries: String?

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if steps != nil && to != nil { throw ValidationError("use --steps or --to, not both") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        if let to, MigrationVersion(to) == nil { throw ValidationError("--to '\(to)' is not a version (digits only)") }
    }

    func run() throws {
        let range: RollbackRange = to.flatMap(MigrationVersion.init).map { .to($0) } ?? .steps(steps ?? 1)
        try CommandRunner.run("rollback", global) { lifeboat in
            // Without a terminal, --yes is needed before anything is opened.
            if !yes, isatty(STDIN_FILENO) != 1 { try Confirmation.require("rollback", yes: false, question: "") }
            let database = lifeboat.configuration.databaseURL.redacted
            let retries = try LockRetriesOption.value(lockRetries)
            let result = try lifeboat.rollbackResult(range, onFailure: onFailure, lockRetries: retries, confirm: yes ? nil : { undone in
                try Confirmation.require("rollback", yes: false, question: Self.question(undone, database: database))
            })
            return CommandOutcome(result, text: TextRender.rollback, failedText: TextRender.migrate)
        }
    }

    /// The prompt: what will be undone, newest first, so nobody confirms a rollback blind.
    static func question(_ undone: [MigrationEntry], database: String) -> String {
        let rows = TextRender.columns(undone.map { ["  " + $0.version, $0.description] })
        return "Roll back \(undone.count) migration(s) on \(database), newest first (their down sections run):\n"
            + rows.joined(separator: "\n") + "\nRun these down sections?"
    }
}
