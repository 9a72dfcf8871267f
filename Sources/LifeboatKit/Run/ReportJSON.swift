import Foundation

/// The one place a report's JSON keys are named: Swift's camelCase properties become the SPEC's
/// snake_case keys (`totalMs` → `total_ms`, `snapshotID` → `snapshot_id`), and `@JSONNull` keeps
/// an absent value as an explicit `null`. So a report declares no key names of its own; a
/// `CodingKeys` enum appears only to leave a property out of the JSON (and lists cases, not names).
///
/// Reports are only ever written, never read back, so no decoding strategy is needed. The
/// snapshot manifest is a file format with its own fixed keys (`SnapshotManifest.FixedKey`);
/// they are snake_case already, so this strategy leaves them as they are.
public enum ReportJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }
}
