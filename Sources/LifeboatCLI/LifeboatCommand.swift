import ArgumentParser
import Foundation
import LifeboatKit

/// `lifeboat`: the root command. Each subcommand is a small type in its own file.
@main
struct LifeboatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lifeboat",
        abstract: "Backup-first database migrations for SQLite and PostgreSQL.",
        version: ToolVersion.current,
        subcommands: [
            MigrateCommand.self, StatusCommand.self, NewCommand.self,
            PlanCommand.self, RollbackCommand.self, VerifyCommand.self,
            SnapshotCommand.self, SnapshotsCommand.self, RestoreCommand.self, PruneCommand.self,
            BaselineCommand.self, RepairCommand.self, SchemaCommand.self, LintCommand.self,
        ]
    )

    /// Parses and runs, turning argument errors into the SPEC's usage exit code (2) — and one JSON
    /// object when `--format json` was asked for — instead of ArgumentParser's own 64.
    static func main() {
        // A file-size limit (`ulimit -f`) would kill the process by SIGXFSZ mid-write, with no
        // message and no restore; ignored, the write fails with EFBIG and is an ordinary error.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { self.exit(withError: error) }
            let arguments = CommandLine.arguments
            let wantsJSON = arguments.contains("--format=json")
                || zip(arguments, arguments.dropFirst()).contains { $0 == "--format" && $1 == "json" }
            if wantsJSON {
                let command = arguments.dropFirst().first { !$0.hasPrefix("-") } ?? "lifeboat"
                print(JSONEnvelope.render(command: command, report: nil, exitCode: 2,
                                          error: ("usage", fullMessage(for: error), nil)))
            } else {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            }
            Foundation.exit(2)
        }
    }
}
