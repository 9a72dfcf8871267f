import ArgumentParser
import Foundation
import LifeboatKit

/// The configuration flags every command takes (SPEC "Configuration"): flag > environment > default.
struct GlobalOptions: ParsableArguments {
    @Option(name: [.customShort("d"), .long], help: ArgumentHelp("Target database URL (env DATABASE_URL; default sqlite:app.sqlite).", valueName: "url"))
    var databaseURL: String?

    @Option(help: ArgumentHelp("Migrations folder (env LIFEBOAT_MIGRATIONS; default migrations).", valueName: "dir"))
    var migrations: String?

    @Option(help: ArgumentHelp("Snapshot folder (env LIFEBOAT_BACKUPS; default backups).", valueName: "dir"))
    var backups: String?

    @Option(help: ArgumentHelp("History table name (env LIFEBOAT_HISTORY_TABLE; default lifeboat_history).", valueName: "name"))
    var historyTable: String?

    // Numeric options parse unconditionally: `--keep -1` must reach the check that says "≥ 0"
    // instead of being read as a flag ("Missing value").
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Seconds to wait for another run's lock; 0 fails at once (env LIFEBOAT_LOCK_TIMEOUT; default 60).", valueName: "seconds"))
    var lockTimeout: String?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Snapshots kept per database after a successful run (env LIFEBOAT_KEEP; default 10).", valueName: "n"))
    var keep: String?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("zlib level 1-9 for snapshots (env LIFEBOAT_COMPRESSION_LEVEL; default 6).", valueName: "n"))
    var compressionLevel: String?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("PostgreSQL lock_timeout for migration statements, in milliseconds; 0 = none (env LIFEBOAT_STATEMENT_LOCK_TIMEOUT; default 5000).", valueName: "ms"))
    var statementLockTimeout: String?

    @Option(help: ArgumentHelp("Folder holding pg_dump and pg_restore (env LIFEBOAT_PG_BIN; default PATH, then /usr/lib/postgresql/*/bin).", valueName: "dir"))
    var pgBin: String?

    @Option(help: "Output on stdout: text or json.")
    var format: OutputFormat = .text

    @Flag(name: [.customShort("q"), .long], help: "Less on stderr: errors only, no progress bars.")
    var quiet = false

    @Flag(name: [.customShort("v"), .long], help: "More on stderr: each step, server notices.")
    var verbose = false

    @Option(help: ArgumentHelp("KEY=VALUE file filling environment variables that are not set (default .env when it exists).", valueName: "file"))
    var envFile: String?

    @Flag(help: "Read no .env file.")
    var noEnvFile = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
        if noEnvFile && envFile != nil { throw ValidationError("--env-file and --no-env-file cannot be used together") }
    }

    /// The configuration after applying flags, then environment variables, then defaults.
    /// - Throws: `ConfigurationError` naming the flag or variable that is wrong (exit 2).
    func configuration(log: @escaping @Sendable (String) -> Void = { _ in }) throws -> Configuration {
        try applyEnvironmentFile()
        let environment = ProcessInfo.processInfo.environment
        func value(_ flag: String?, _ variable: String) -> String? {
            flag ?? nonEmpty(environment[variable])
        }
        func number<T: LosslessStringConvertible>(_ flag: String?, _ flagName: String, _ variable: String, default fallback: T) throws -> T {
            if let flag {
                guard let parsed = T(flag) else { throw ConfigurationError.badOption(flag: flagName, value: flag, reason: "not a number") }
                return parsed
            }
            if let env = environment[variable], !env.isEmpty {
                guard let parsed = T(env) else { throw ConfigurationError.badOption(flag: variable, value: env, reason: "not a number") }
                return parsed
            }
            return fallback
        }
        let statementLockTimeout: Int = try number(statementLockTimeout, "--statement-lock-timeout", "LIFEBOAT_STATEMENT_LOCK_TIMEOUT", default: 5_000)
        guard statementLockTimeout >= 0 else {
            throw ConfigurationError.badOption(flag: "--statement-lock-timeout", value: "\(statementLockTimeout)", reason: "use milliseconds ≥ 0")
        }
        return try Configuration(
            databaseURL: value(databaseURL, "DATABASE_URL") ?? Configuration.defaultDatabaseURL,
            migrationsDirectory: value(migrations, "LIFEBOAT_MIGRATIONS") ?? "migrations",
            backupsDirectory: value(backups, "LIFEBOAT_BACKUPS") ?? "backups",
            historyTable: value(historyTable, "LIFEBOAT_HISTORY_TABLE") ?? HistoryTable.defaultName,
            lockTimeout: try number(lockTimeout, "--lock-timeout", "LIFEBOAT_LOCK_TIMEOUT", default: 60.0),
            keep: try number(keep, "--keep", "LIFEBOAT_KEEP", default: 10),
            compressionLevel: try number(compressionLevel, "--compression-level", "LIFEBOAT_COMPRESSION_LEVEL", default: 6),
            engineOptions: EngineOptions(postgresBinDirectory: value(pgBin, "LIFEBOAT_PG_BIN"),
                                         statementLockTimeoutMs: statementLockTimeout, log: log))
    }

    /// Fills unset variables from `--env-file`, or `.env` when it exists, unless `--no-env-file`.
    /// - Throws: `ConfigurationError.badOption` naming the file or line (exit 2).
    func applyEnvironmentFile() throws {
        guard !noEnvFile else { return }
        try EnvironmentFile.apply(envFile ?? EnvironmentFile.defaultName, required: envFile != nil)
    }

    private func nonEmpty(_ text: String?) -> String? { (text?.isEmpty ?? true) ? nil : text }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}
