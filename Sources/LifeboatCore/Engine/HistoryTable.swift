/// The name of the history table, validated once so every engine can quote it safely.
///
/// Only `[A-Za-z_][A-Za-z0-9_]*` up to 63 characters (PostgreSQL's identifier limit) is accepted;
/// engines still always quote it, so reserved words and case are kept as written.
public struct HistoryTable: Sendable, Equatable, CustomStringConvertible {
    public let name: String

    public static let defaultName = "lifeboat_history"

    /// Throws `ConfigurationError.badHistoryTableName` for anything but a plain identifier.
    public init(_ name: String = HistoryTable.defaultName) throws {
        let bytes = Array(name.utf8)
        let valid = !bytes.isEmpty && bytes.count <= 63
            && bytes.allSatisfy { $0 == UInt8(ascii: "_") || ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) }
            && !(bytes[0] >= 48 && bytes[0] <= 57)
        guard valid else { throw ConfigurationError.badHistoryTableName(name) }
        self.name = name
    }

    /// The name as a double-quoted SQL identifier (valid for SQLite and PostgreSQL alike).
    public var quoted: String { "\"\(name)\"" }

    public var description: String { name }
}
