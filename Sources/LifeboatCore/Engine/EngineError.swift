import Foundation

/// A failure reported by a database engine, keeping the engine's own message and, for SQL, the
/// statement and the line in the migration file.
public enum EngineError: LifeboatError {
    /// A statement failed. `line` is 1-based in `file` (SPEC: the error's line when the engine gives
    /// a position, else the statement's first line).
    /// `code` is the database's own code when it gave one.
    case statementFailed(message: String, file: String?, line: Int?, statement: String?, code: DatabaseErrorCode? = nil)
    /// A verify query returned false, 0, NULL or no rows.
    case assertionFailed(file: String?, line: Int?, statement: String)
    /// The database could not be opened or reached (exit 2).
    case cannotOpen(database: String, reason: String)
    /// SQL that Lifeboat wrote itself failed (reading history, locking, …), with the database's code.
    case database(code: DatabaseErrorCode, message: String)
    /// A program the engine needs (`pg_dump`) is missing or unusable: a configuration problem
    /// (exit 2), whatever step needed it. Run decides when it is part of a snapshot failure.
    case toolUnavailable(tool: String, reason: String)
    /// Anything else the engine could not do (reading history, closing, a file or a child process).
    case failed(String)
    /// A snapshot could not be taken or restored (exit 5). Thrown by the snapshot operations
    /// themselves and by Run around a snapshot step, never by generic helpers.
    case snapshotFailed(String)

    public var category: ErrorCategory {
        switch self {
        case .statementFailed, .assertionFailed, .failed, .database: return .migrationFailed
        case .cannotOpen, .toolUnavailable: return .usage
        case .snapshotFailed: return .snapshot
        }
    }

    public var description: String {
        switch self {
        case .statementFailed(let message, let file, let line, let statement, _):
            var text = message
            if let file {
                text = "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
            } else if let line {
                text = "line \(line): \(message)"
            }
            if let statement {
                text += "\n  in statement: \(Self.abbreviate(statement))"
            }
            return text
        case .assertionFailed(let file, let line, let statement):
            let place = [file, line.map { String($0) }].compactMap { $0 }.joined(separator: ":")
            return "\(place.isEmpty ? "" : place + ": ")verify query returned false, 0, NULL or no rows: \(Self.abbreviate(statement))"
        case .cannotOpen(let database, let reason):
            return "cannot open \(database): \(reason)"
        case .database(_, let message):
            return message
        case .toolUnavailable(_, let reason):
            return reason
        case .failed(let message):
            return message
        case .snapshotFailed(let message):
            return message
        }
    }

    /// A statement on one line, cut at 60 characters, for messages: enough to find it in the file
    /// (whose line the message names), never much of a file that is not a migration (a symlink to
    /// a file outside the folder must not echo its content).
    package static func abbreviate(_ statement: String) -> String {
        let oneLine = statement.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        return oneLine.count > 60 ? String(oneLine.prefix(59)) + "…" : oneLine
    }
}

extension EngineError {
    /// The line in the migration file the error points at, when known.
    public var line: Int? {
        switch self {
        case .statementFailed(_, _, let line, _, _), .assertionFailed(_, let line, _): return line
        default: return nil
        }
    }

    /// The database's own code for the error, when it gave one.
    public var code: DatabaseErrorCode? {
        switch self {
        case .statementFailed(_, _, _, _, let code): return code
        case .database(let code, _): return code
        default: return nil
        }
    }

    /// Any error from an engine call as an `EngineError`, keeping its message.
    public static func wrapping(_ error: Error) -> EngineError {
        (error as? EngineError) ?? .failed(String(describing: error))
    }
}
