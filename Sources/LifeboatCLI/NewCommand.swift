import ArgumentParser
import Foundation
import LifeboatKit

/// `lifeboat new`: create the next migration file from the template.
struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create the next migration file with up and down sections and print its path.")

    @Argument(help: "What the migration does, e.g. add_users (letters, digits, '_' and '-').")
    var description: String

    @Flag(help: "Use a UTC timestamp (YYYYMMDDHHMMSS) as the version instead of the next number.")
    var timestamp = false

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try CommandRunner.run("new", global) { lifeboat in
            let path = try MigrationTemplate.create(in: lifeboat.configuration.migrationsDirectory,
                                                    description: description, timestamp: timestamp)
            return CommandOutcome(report: NewReport(path: path), text: path)
        }
    }
}

struct NewReport: Encodable {
    let path: String
}
