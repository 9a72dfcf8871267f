import ArgumentParser
import Foundation
import LifeboatKit

/// `lifeboat snapshot`: take a snapshot now.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Take a snapshot now; print its id, path, sizes, ratio and time.")

    @Option(help: "A note stored in the manifest, e.g. 'before the 2.0 release'.")
    var label: String?

    /// Last, so `--help` lists the command's own flags first.
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try CommandRunner.run("snapshot", global) { lifeboat in
            let manifest = try lifeboat.snapshot(label: label)
            // A path for a folder store, `s3://BUCKET/PREFIX/ID.EXT.gz` for a remote one.
            let path = try lifeboat.payloadLocation(of: manifest)
            return CommandOutcome(report: SnapshotReport(snapshot: manifest, path: path),
                                  text: "snapshot \(TextRender.snapshotLine(manifest))\n\(path)")
        }
    }
}

struct SnapshotReport: Encodable {
    let snapshot: SnapshotManifest
    let path: String
}
