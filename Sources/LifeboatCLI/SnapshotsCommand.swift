import ArgumentParser
import LifeboatKit

/// `lifeboat snapshots`: list complete snapshots, newest first.
struct SnapshotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshots",
        abstract: "List complete snapshots of this database, newest first.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "List the snapshots of every database in the backups folder.")
    var all = false

    func run() throws {
        try CommandRunner.run("snapshots", global) { lifeboat in
            let manifests = try lifeboat.snapshots(all: all)
            return CommandOutcome(report: SnapshotsReport(snapshots: manifests), text: TextRender.snapshots(manifests))
        }
    }
}

struct SnapshotsReport: Encodable {
    let snapshots: [SnapshotManifest]
}
