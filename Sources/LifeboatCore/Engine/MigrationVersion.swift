/// A migration's version: one or more ASCII digits, compared numerically.
///
/// `0002` and `2` are the same version (a duplicate), `2` < `10`, and a 14-digit timestamp is just a
/// long version. The text as written in the file name is kept for the history table.
public struct MigrationVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The digits as written in the file name.
    public let text: String
    /// The digits without leading zeros (`"0"` for zero): equal numbers have equal `numeric`.
    public let numeric: String

    /// Returns nil unless `text` is one or more ASCII digits.
    public init?(_ text: String) {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        self.text = text
        let stripped = text.drop(while: { $0 == "0" })
        numeric = stripped.isEmpty ? "0" : String(stripped)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.numeric == rhs.numeric }
    public func hash(into hasher: inout Hasher) { hasher.combine(numeric) }

    /// Numeric order on arbitrarily long digit strings: shorter is smaller, then digit by digit.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.numeric.utf8.count != rhs.numeric.utf8.count {
            return lhs.numeric.utf8.count < rhs.numeric.utf8.count
        }
        return lhs.numeric < rhs.numeric
    }

    public var description: String { text }
}
