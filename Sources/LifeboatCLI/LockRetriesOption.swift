import Foundation
import LifeboatKit

/// `--lock-retries N` (env `LIFEBOAT_LOCK_RETRIES`, default 3), shared by `migrate` and `rollback`.
enum LockRetriesOption {
    /// The flag, else the variable, else 3.
    /// - Throws: `ConfigurationError.badOption` naming the flag or variable (exit 2) for anything
    ///   but a whole number from 0 to 100.
    static func value(_ flag: String?) throws -> Int {
        let environment = ProcessInfo.processInfo.environment["LIFEBOAT_LOCK_RETRIES"].flatMap { $0.isEmpty ? nil : $0 }
        let (text, name) = flag.map { ($0, "--lock-retries") } ?? environment.map { ($0, "LIFEBOAT_LOCK_RETRIES") } ?? ("3", "")
        guard let count = Int(text), (0...100).contains(count) else {
            throw ConfigurationError.badOption(flag: name, value: text, reason: "use a whole number of retries from 0 to 100")
        }
        return count
    }
}
