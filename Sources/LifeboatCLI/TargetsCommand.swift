import ArgumentParser
import Foundation
import LifeboatKit

/// `lifeboat targets`: the expanded `--targets` list and each target's shard, for a GitHub Actions
/// matrix or a Kubernetes Indexed Job to consume (SPEC "Fleets"). No scheduler of Lifeboat's own.
struct TargetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "targets",
        abstract: "List the databases of a --targets file, globs expanded, with each one's shard.")

    @Option(help: ArgumentHelp("File listing one database URL per line (env LIFEBOAT_TARGETS).", valueName: "file"))
    var targets: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Number of shards (default 1).", valueName: "n"))
    var shards: Int = 1

    @Option(help: "Output on stdout: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
        guard shards >= 1 else { throw ValidationError("--shards must be at least 1") }
    }

    func run() throws {
        let file = targets ?? ProcessInfo.processInfo.environment["LIFEBOAT_TARGETS"].flatMap { $0.isEmpty ? nil : $0 }
        let list: [FleetTarget]
        do {
            guard let file else {
                throw ConfigurationError.badOption(flag: "--targets", value: "", reason: "give the targets file (or LIFEBOAT_TARGETS)")
            }
            list = try FleetTargets.load(file)
        } catch {
            let code = ExitStatus.code(for: error)
            switch format {
            case .text: FileHandle.standardError.write(Data("lifeboat: error: \(CommandRunner.describe(error))\n".utf8))
            case .json: print(JSONEnvelope.render(command: "targets", report: nil, exitCode: code,
                                                  error: (ExitStatus.kind(for: error), CommandRunner.describe(error), ExitStatus.databaseCode(for: error))))
            }
            throw ExitCode(code)
        }
        switch format {
        case .text:
            for target in list { print("\(target.position % shards)\t\(target.redacted)") }
        case .json:
            print(JSONEnvelope.render(command: "targets", report: Listing(list, shards: shards), exitCode: 0, error: nil))
        }
    }

    /// `targets` (URL redacted, position, shard) and `shards`: `[0, …, N-1]`, a matrix's list.
    struct Listing: Encodable {
        struct Entry: Encodable {
            var url: String
            var position: Int
            var shard: Int
        }
        var targets: [Entry]
        var shards: [Int]
        var shardCount: Int

        init(_ list: [FleetTarget], shards: Int) {
            targets = list.map { Entry(url: $0.redacted, position: $0.position, shard: $0.position % shards) }
            self.shards = Array(0..<shards)
            shardCount = shards
        }
    }
}
