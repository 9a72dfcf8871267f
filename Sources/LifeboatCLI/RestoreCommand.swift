import ArgumentParser
import LifeboatKit

/// `lifeboat restore`: put a snapshot back, after a safety snapshot of the current state.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Verify a snapshot, take a safety snapshot, then restore it atomically.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A snapshot id, 'latest', or the path of a manifest or payload.")
    var snapshot = "latest"

    @Flag(help: "Do not ask for confirmation (needed without a terminal).")
    var yes = false

    @Flag(help: "Do not take a safety snapshot of the current state first.")
    var noSafetySnapshot = false

    func run() throws {
        try CommandRunner.run("restore", global) { lifeboat in
            try Confirmation.require("restore", yes: yes,
                                     question: "Replace \(lifeboat.configuration.databaseURL.redacted) with snapshot \(snapshot)?")
            let report = try lifeboat.restore(snapshot, safetySnapshot: !noSafetySnapshot)
            var text = "restored \(report.snapshot.id); \(lifeboat.configuration.databaseURL.redacted) is at version \(report.restoredVersion ?? "none")"
            if let safety = report.safetySnapshot {
                text += "\nsafety snapshot \(safety.id) holds the state before the restore (undo: lifeboat restore \(safety.id))"
            }
            return CommandOutcome(report: report, text: text)
        }
    }
}
