import ArgumentParser
import LifeboatKit

/// `lifeboat verify`: read-only checks of history, verify sections and schema.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check history against files, re-run verify sections (rolled back), compare the schema.")

    @Option(help: "A committed schema dump (from `lifeboat schema` or `migrate --dump-schema`) the live schema must equal.")
    var schema: String?

    /// Many databases instead of one (SPEC "Fleets").
    @OptionGroup var fleet: FleetOptions

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let schema = schema
        try FleetCommandRunner.run("verify", global, fleet) { lifeboat in
            // A failed verify is told by its error alone; its report is for JSON.
            CommandOutcome(try lifeboat.verifyResult(schemaFile: schema), text: TextRender.verify, failedText: { _ in "" })
        }
    }
}
