import ArgumentParser
import LifeboatKit

/// `lifeboat lint`: the static lint alone, no database needed.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Flag statements that lose data or block writers (dialect from --database-url).")

    @Argument(help: "Migration files to lint (default: every migration in the folder).")
    var files: [String] = []

    @Flag(help: "Destructive statements are intended: report them, do not fail.")
    var allowDestructive = false

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try CommandRunner.run("lint", global) { lifeboat in
            let result = try lifeboat.lintResult(files: files, allowDestructive: allowDestructive)
            return CommandOutcome(result, text: { report in
                report.lint.isEmpty ? "no findings in \(report.migrations.count) migration(s)"
                    : report.lint.map(\.summary).joined(separator: "\n")
            }, failedText: TextRender.plan)
        }
    }
}
