import Foundation
import LifeboatCore

/// A snapshot's name: `YYYYMMDDTHHMMSSsssZ-<version or "empty">` (UTC, milliseconds).
///
/// Why this shape (SPEC "Snapshots"): it sorts by time as plain text, so `ls` and the store list
/// snapshots in order, and its suffix tells a person which schema version it holds without opening
/// the manifest. It contains no `.`, so the id is everything before the first dot of a snapshot's
/// file names.
public struct SnapshotID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The id as it appears in file names and manifests.
    public let rawValue: String
    let instant: UTCInstant
    /// The schema-version part: the version as written in the history, or `empty`.
    public let suffix: String

    /// The suffix for a database with no applied migration.
    public static let emptySuffix = "empty"

    /// Parses an id; nil when `text` is not one.
    public init?(_ text: String) {
        guard let dash = text.firstIndex(of: "-"),
              let instant = UTCInstant(compact: String(text[..<dash])) else { return nil }
        let suffix = String(text[text.index(after: dash)...])
        guard !suffix.isEmpty, suffix.unicodeScalars.allSatisfy(Self.isAllowed) else { return nil }
        self.init(instant: instant, suffix: suffix)
    }

    /// The id for a snapshot taken at `date` of a database at `schemaVersion`.
    ///
    /// Characters a file name should not carry (anything but ASCII letters, digits, `_` and `-`) are
    /// replaced by `_`; migration versions are digits, so in practice the suffix is the version.
    public init(date: Date, schemaVersion: String?) {
        let version = schemaVersion ?? ""
        let suffix = version.isEmpty ? Self.emptySuffix
            : String(String.UnicodeScalarView(version.unicodeScalars.map { Self.isAllowed($0) ? $0 : "_" }))
        self.init(instant: UTCInstant(date), suffix: suffix)
    }

    init(instant: UTCInstant, suffix: String) {
        self.instant = instant
        self.suffix = suffix
        rawValue = instant.compact + "-" + suffix
    }

    /// When the snapshot was taken, to the millisecond.
    public var date: Date { instant.date }

    /// The same id one millisecond later: how a taken id is made unique.
    public func nextMillisecond() -> SnapshotID {
        SnapshotID(instant: UTCInstant(milliseconds: instant.milliseconds + 1), suffix: suffix)
    }

    /// The first id at or after `date` that `isTaken` does not reject, bumping by a millisecond.
    public static func unique(date: Date, schemaVersion: String?, isTaken: (SnapshotID) -> Bool) -> SnapshotID {
        var id = SnapshotID(date: date, schemaVersion: schemaVersion)
        while isTaken(id) { id = id.nextMillisecond() }
        return id
    }

    public var description: String { rawValue }

    /// Oldest first: by instant, then by text.
    public static func < (lhs: SnapshotID, rhs: SnapshotID) -> Bool {
        (lhs.instant, lhs.rawValue) < (rhs.instant, rhs.rawValue)
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
    }
}
