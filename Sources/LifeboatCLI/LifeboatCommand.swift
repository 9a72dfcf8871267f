import ArgumentParser
import Foundation
import LifeboatEngines
import LifeboatKit

/// `lifeboat`: the root command. Each subcommand is a small type in its own file.
@main
struct LifeboatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lifeboat",
        abstract: "Backup-first database migrations for SQLite and PostgreSQL.",
        discussion: """
            Configuration flags (-d/--database-url, --migrations, -q, -v, --env-file,
            …) go after the command or before it, as with dbmate: lifeboat -d URL status.

            Exit codes:
              0   success (also: nothing to do)
              1   a migration, rehearsal, rollback or verify assertion failed
              2   usage or configuration error (bad flag, URL, folder; cannot connect)
              3   validation failed (names, duplicates, drift, dirty, out of order)
              4   the lock was not acquired in time (or --preflight strict blockers)
              5   a snapshot or restore failed; the message says the database's state
              6   lint found destructive changes that were not allowed
              10  status --exit-code: migrations are pending
            """,
        version: ToolVersion.current,
        subcommands: [
            MigrateCommand.self, StatusCommand.self, NewCommand.self,
            PlanCommand.self, RollbackCommand.self, VerifyCommand.self,
            SnapshotCommand.self, SnapshotsCommand.self, RestoreCommand.self, PruneCommand.self,
            BaselineCommand.self, RepairCommand.self, SchemaCommand.self, LintCommand.self,
            CreateCommand.self, DropCommand.self, WaitCommand.self, TargetsCommand.self,
        ]
    )

    /// Commands that open the database (a `StandardEngines.warmUp` is worth starting for them).
    static let connectingCommands: Set<String> = [
        "migrate", "up", "status", "plan", "rollback", "down", "verify", "snapshot", "restore",
        "baseline", "repair", "schema", "create", "drop", "wait",
    ]

    /// Whether the command line asks for a command that opens the database: not `--help`,
    /// `--version`, a completion script, or a command that only reads files (`new`, `lint`, …).
    /// Such a run would otherwise wait at exit for a warm-up it never used.
    static func mayConnect(_ arguments: [String]) -> Bool {
        let words = Array(arguments.dropFirst())
        let informational: Set<String> = ["--help", "-h", "--version", "--generate-completion-script", "help"]
        guard !words.contains(where: informational.contains),
              let command = (try? LeadingOptions.reorder(words, checkingRepeats: false))?.first else { return false }
        return connectingCommands.contains(command)
    }

    /// Parses and runs, turning argument errors into the SPEC's usage exit code (2) — and one JSON
    /// object when `--format json` was asked for — instead of ArgumentParser's own 64.
    static func main() {
        // A file-size limit (`ulimit -f`) would kill the process by SIGXFSZ mid-write, with no
        // message and no restore; ignored, the write fails with EFBIG and is an ordinary error.
        signal(SIGXFSZ, SIG_IGN)
        if mayConnect(CommandLine.arguments) { StandardEngines.warmUp(arguments: CommandLine.arguments) }
        do {
            var command = try parseAsRoot(LeadingOptions.reorder(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { self.exit(withError: error) }
            // As parsed: leading configuration flags moved behind the command name.
            let given = Array(CommandLine.arguments.dropFirst())
            let arguments = (try? LeadingOptions.reorder(given, checkingRepeats: false)) ?? given
            let wantsJSON = arguments.contains("--format=json")
                || zip(arguments, arguments.dropFirst()).contains { $0 == "--format" && $1 == "json" }
            if wantsJSON {
                let command = arguments.first { !$0.hasPrefix("-") } ?? "lifeboat"
                print(JSONEnvelope.render(command: command, report: nil, exitCode: 2,
                                          error: ("usage", fullMessage(for: error), nil)))
            } else {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            }
            Foundation.exit(2)
        }
    }
}
