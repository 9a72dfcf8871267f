import Foundation

/// What kind of failure an error is, in the terms of the SPEC's exit-code table.
///
/// Every error type of LifeboatKit and its engines says which category it belongs to; the CLI maps
/// categories to exit codes in exactly one place, so the table lives once.
public enum ErrorCategory: String, Sendable, Codable {
    /// A migration, rehearsal, rollback or verify assertion failed (exit 1).
    case migrationFailed = "migration_failed"
    /// A bad flag, URL, folder or connection (exit 2).
    case usage
    /// Bad names, duplicates, drift, dirty database, out of order (exit 3).
    case validation
    /// The lock was not acquired in time (exit 4).
    case lock
    /// A snapshot or a restore failed (exit 5).
    case snapshot
    /// Lint found destructive changes that were not allowed (exit 6).
    case lint
}

/// An error that knows its category, so the CLI can turn it into an exit code and a JSON `kind`.
///
/// `description` is the message for humans: what went wrong, where, and what to do. It never contains
/// a password.
public protocol LifeboatError: LocalizedError, CustomStringConvertible, Sendable {
    var category: ErrorCategory { get }
}

extension LifeboatError {
    public var errorDescription: String? { description }
}
