import Foundation
import LifeboatCore

/// Says in words why a manifest does not decode, naming the field, instead of printing a
/// `DecodingError` (a wall of coding paths and debug descriptions no operator should have to read).
enum ManifestDamage {
    static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "it does not parse: \(error.localizedDescription)" }
        switch error {
        case .keyNotFound(let key, _):
            return "the field '\(key.stringValue)' is missing"
        case .valueNotFound(_, let context):
            return "the field '\(field(context))' is null"
        case .typeMismatch(let type, let context):
            return context.codingPath.isEmpty ? "it is not a JSON object"
                : "the field '\(field(context))' is not \(typeName(type))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "it is not JSON" }
            return "the field '\(field(context))' is invalid: \(context.debugDescription)"
        @unknown default:
            return "it does not parse"
        }
    }

    private static func field(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "an integer"
        default: return "of the expected type"
        }
    }
}

extension SnapshotError {
    /// Why a manifest that failed to load is damaged, for the `damaged` list of `snapshots`.
    public var damageReason: String {
        switch self {
        case .badManifest(_, let reason): return reason
        case .missingPayload(_, let path): return "its payload '\((path as NSString).lastPathComponent)' is missing"
        case .cannotRead(_, let reason): return "it cannot be read: \(reason)"
        default: return description
        }
    }
}
