import LifeboatCore
/// The name of a migration file, taken apart: `0002_add_users.sql`, or a golang-migrate
/// `0002_add_users.up.sql` / `0002_add_users.down.sql`.
public struct MigrationFileName: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `<version>_<description>.sql`: a Lifeboat or dbmate file holding all its sections.
        case single
        /// golang-migrate `<version>_<name>.up.sql`.
        case up
        /// golang-migrate `<version>_<name>.down.sql`.
        case down
    }

    public let version: MigrationVersion
    public let description: String
    public let kind: Kind

    /// Parses a file name (not a path); nil when it is not a valid migration name. The `.sql`
    /// extension is matched without regard to case.
    public init?(_ name: String) {
        let utf8 = Array(name.utf8)
        let stem: ArraySlice<UInt8>
        if Self.hasSuffix(utf8, ".up.sql") {
            kind = .up
            stem = utf8[..<(utf8.count - 7)]
        } else if Self.hasSuffix(utf8, ".down.sql") {
            kind = .down
            stem = utf8[..<(utf8.count - 9)]
        } else if Self.hasSuffix(utf8, ".sql") {
            kind = .single
            stem = utf8[..<(utf8.count - 4)]
        } else {
            return nil
        }
        guard let underscore = stem.firstIndex(of: UInt8(ascii: "_")), underscore > stem.startIndex else { return nil }
        let digits = stem[..<underscore]
        guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let description = String(decoding: stem[(underscore + 1)...], as: UTF8.self)
        guard Self.isValidDescription(description),
              let version = MigrationVersion(String(decoding: digits, as: UTF8.self)) else { return nil }
        self.version = version
        self.description = description
    }

    /// True for names that end in `.sql` (any case) and do not start with `.`: the files the
    /// migrations folder must name correctly. Everything else in the folder is ignored.
    public static func isSQLFile(_ name: String) -> Bool {
        !name.hasPrefix(".") && hasSuffix(Array(name.utf8), ".sql")
    }

    /// A description is one or more letters, digits, `_` and `-`.
    public static func isValidDescription(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": continue
            default:
                if scalar.value >= 0x80, scalar.properties.isAlphabetic { continue }
                return false
            }
        }
        return true
    }

    /// Case-insensitive ASCII suffix test.
    private static func hasSuffix(_ bytes: [UInt8], _ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard bytes.count > count else { return false }
        let base = bytes.count - count
        let pointer = suffix.utf8Start
        for index in 0..<count where bytes[base + index] | 0x20 != pointer[index] | 0x20 {
            return false
        }
        return true
    }
}
