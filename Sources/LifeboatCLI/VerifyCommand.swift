import ArgumentParser
import LifeboatKit

/// `lifeboat verify`: read-only checks of history, verify sections and schema.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check history against files, re-run verify sections (rolled back), compare the schema.")

    @Option(help: "A committed schema dump (from `lifeboat schema` or `migrate --dump-schema`) the live schema must equal.")
    var schema: String?

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try CommandRunner.run("verify", global) { lifeboat in
            let report = try lifeboat.verify(schemaFile: schema)
            return CommandOutcome(report: report, text: TextRender.verify(report))
        }
    }
}
