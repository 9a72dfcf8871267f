import ArgumentParser
import Foundation
import LifeboatKit

/// The fleet flags of `migrate`, `plan`, `status`, `verify` and `snapshots` (SPEC "Fleets").
struct FleetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("File listing one database URL per line, SQLite globs allowed; replaces --database-url (env LIFEBOAT_TARGETS).", valueName: "file"))
    var targets: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("With --targets: targets run at a time (default 1).", valueName: "n"))
    var parallel: Int = 1

    @Option(parsing: .unconditional, help: ArgumentHelp("With --targets: run the first K targets alone first; stop when one fails.", valueName: "k"))
    var canary: Int = 0

    @Option(parsing: .unconditional, help: ArgumentHelp("With --targets: start no new target after F failures (default 1).", valueName: "f"))
    var maxFailures: Int = 1

    @Option(help: ArgumentHelp("With --targets: keep only the targets whose position is I modulo N (0-based).", valueName: "i/n"))
    var shard: String?

    func validate() throws {
        guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1") }
        guard canary >= 0 else { throw ValidationError("--canary must be 0 or more") }
        guard maxFailures >= 1 else { throw ValidationError("--max-failures must be at least 1") }
    }

    var schedule: FleetSchedule { FleetSchedule(parallel: parallel, canary: canary, maxFailures: maxFailures) }

    /// The targets file from `--targets`, else `LIFEBOAT_TARGETS` (after the .env file is read).
    func targetsFile() -> String? {
        targets ?? ProcessInfo.processInfo.environment["LIFEBOAT_TARGETS"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The expanded list, this shard only.
    /// - Throws: `FleetTargetsError` naming the file and line, or a usage error when
    ///   `--database-url` is given too (exit 2).
    func load(_ file: String, databaseURL: String?) throws -> [FleetTarget] {
        if databaseURL != nil {
            throw ConfigurationError.badOption(flag: "--targets", value: file, reason: "give either --targets or --database-url, not both")
        }
        let all = try FleetTargets.load(file)
        guard let shard else { return all }
        let kept = try FleetShard(parsing: shard)
        return all.filter(kept.contains)
    }
}
