import ArgumentParser
import LifeboatKit

extension Preflight.Mode: ExpressibleByArgument {}

/// `migrate --preflight warn|strict --preflight-max-age SECONDS` (SPEC "PostgreSQL lock safety").
struct PreflightOptions: ParsableArguments {
    @Option(help: "Sessions holding locks on the tables the pending migrations touch, idle in transaction or older than --preflight-max-age: 'warn' and go on (default) or 'strict': refuse (exit 4), nothing changed.")
    var preflight: Preflight.Mode = .warn

    @Option(help: ArgumentHelp("A transaction open longer than this counts as in the way (default 60).", valueName: "seconds"))
    var preflightMaxAge: Double = 60

    func value() throws -> Preflight {
        try Self.preflight(mode: preflight, maxAge: preflightMaxAge)
    }

    /// - Throws: `ConfigurationError.badOption` (exit 2) for a negative or infinite age.
    static func preflight(mode: Preflight.Mode, maxAge: Double) throws -> Preflight {
        guard maxAge >= 0, maxAge.isFinite else {
            throw ConfigurationError.badOption(flag: "--preflight-max-age", value: "\(maxAge)", reason: "use a number of seconds ≥ 0")
        }
        return Preflight(mode: mode, maxAgeSeconds: maxAge)
    }
}
