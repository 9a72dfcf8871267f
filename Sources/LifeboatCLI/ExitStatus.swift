import LifeboatKit

/// The SPEC's exit-code table, in one place.
enum ExitStatus {
    static let success: Int32 = 0
    static let pending: Int32 = 10

    static func code(for category: ErrorCategory) -> Int32 {
        switch category {
        case .migrationFailed: return 1
        case .usage: return 2
        case .validation: return 3
        case .lock: return 4
        case .snapshot: return 5
        case .lint: return 6
        }
    }

    /// The exit code for any error a command can end with; unknown errors count as failures (1).
    static func code(for error: Error) -> Int32 {
        (error as? LifeboatError).map { code(for: $0.category) } ?? 1
    }

    /// The database's code behind an error (a failed migration's included), for the JSON error.
    static func databaseCode(for error: Error) -> DatabaseErrorCode? {
        switch error {
        case let error as EngineError: return error.code
        case RunError.migrationFailed(_, let underlying): return underlying.code
        default: return nil
        }
    }

    /// The JSON `error.kind` for an error.
    static func kind(for error: Error) -> String {
        (error as? LifeboatError)?.category.rawValue ?? "internal"
    }
}
