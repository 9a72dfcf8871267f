import ArgumentParser
import Foundation
import LifeboatKit

/// `lifeboat restore`: put a snapshot back, after a safety snapshot of the current state.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Verify a snapshot, take a safety snapshot, then restore it atomically.")

    @Argument(help: "A snapshot id, 'latest' (the newest that is not a pre-restore safety snapshot), or the path of a manifest or payload.")
    var snapshot = "latest"

    @Flag(help: "Do not ask for confirmation (needed without a terminal).")
    var yes = false

    @Flag(help: "Do not take a safety snapshot of the current state first.")
    var noSafetySnapshot = false

    @Flag(help: "Restore a snapshot of another database of the same engine (e.g. production's into staging).")
    var force = false

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try CommandRunner.run("restore", global) { lifeboat in
            let database = lifeboat.configuration.databaseURL.redacted
            let chosen = try lifeboat.chooseSnapshot(snapshot, force: force)
            // Shown before anything changes: in the prompt on a terminal, else on stderr (stdout
            // stays the one JSON object with --format json).
            let line = "restoring snapshot " + TextRender.chosenSnapshot(chosen.manifest)
            if !Confirmation.willPrompt(yes: yes), !global.quiet {
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            try Confirmation.require("restore", yes: yes, question: "\(line)\nReplace \(database) with it?")
            let report = try lifeboat.restore(chosen, safetySnapshot: !noSafetySnapshot)
            var text = "restored \(report.snapshot.id); \(database) is at version \(report.restoredVersion ?? "none")"
            if let safety = report.safetySnapshot {
                text += "\nsafety snapshot \(safety.id) holds the state before the restore (undo: lifeboat restore \(safety.id))"
            }
            return CommandOutcome(report: report, text: text)
        }
    }
}
