import ArgumentParser
import LifeboatKit

/// `lifeboat schema`: the normalised schema, for committing and for `verify --schema`.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Write the normalised schema (stable, without the history table's rows) to FILE or stdout.")

    @Argument(help: "Where to write it (default: stdout).")
    var file: String?

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try CommandRunner.run("schema", global) { lifeboat in
            let schema = try lifeboat.schema(to: file)
            return CommandOutcome(report: SchemaReport(file: file, schema: schema), text: file == nil ? schema : "wrote \(file!)")
        }
    }
}

struct SchemaReport: Encodable {
    let file: String?
    let schema: String
}
