import ArgumentParser
import LifeboatKit

/// `lifeboat snapshots`: list complete snapshots, newest first, and the damaged manifests.
struct SnapshotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshots",
        abstract: "List complete snapshots of this database, newest first.")

    @Flag(help: "List the snapshots of every database in the backups folder, with each one's database.")
    var all = false

    /// Many databases instead of one (SPEC "Fleets").
    @OptionGroup var fleet: FleetOptions

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let all = all
        try FleetCommandRunner.run("snapshots", global, fleet) { lifeboat in
            let listing = try lifeboat.snapshotListing(all: all)
            return CommandOutcome(report: listing, text: TextRender.snapshots(listing, showDatabase: all))
        }
    }
}
