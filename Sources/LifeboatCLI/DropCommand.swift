import ArgumentParser
import LifeboatKit

/// `lifeboat drop`: removes the target database, like `dbmate drop`, after a snapshot of it.
struct DropCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drop",
        abstract: "Snapshot the target database, then drop it (exit 0 when it does not exist).",
        discussion: """
            The snapshot (reason manual, label "before drop") is what `restore latest` finds afterwards: `lifeboat create` \
            then `lifeboat restore latest` puts the database back. Asks for confirmation on a \
            terminal; without one it needs --yes.
            """)

    @Flag(help: "Do not ask for confirmation (needed without a terminal).")
    var yes = false

    @Flag(help: "Drop without taking a snapshot first (a throwaway database; this cannot be undone).")
    var noSnapshot = false

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try CommandRunner.run("drop", global) { lifeboat in
            let database = lifeboat.configuration.databaseURL.redacted
            let first = noSnapshot ? "without a snapshot: this cannot be undone" : "after a snapshot"
            try Confirmation.require("drop", yes: yes, question: "Drop \(database) (\(first))?")
            let report = try lifeboat.drop(snapshot: !noSnapshot)
            var text = report.dropped ? "dropped \(report.database)" : "\(report.database) does not exist; nothing dropped"
            if let snapshot = report.snapshot {
                text += "\nsnapshot \(snapshot.id) holds it (put it back: lifeboat create && lifeboat restore \(snapshot.id))"
            }
            return CommandOutcome(report: report, text: text)
        }
    }
}
