import Foundation

/// SQL text together with where it came from, so an engine can point at the file and line of a
/// failing statement.
public struct SQLScript: Sendable, Equatable {
    /// The SQL to run; may hold several statements.
    public var text: String
    /// The file the text was read from, for messages (nil for SQL Lifeboat wrote itself).
    public var file: String?
    /// The 1-based line in `file` where `text` begins.
    public var firstLine: Int

    public init(_ text: String, file: String? = nil, firstLine: Int = 1) {
        self.text = text
        self.file = file
        self.firstLine = firstLine
    }

    /// The line in the file of a UTF-8 byte offset into `text`.
    public func line(atUTF8Offset offset: Int) -> Int {
        var line = firstLine
        var index = 0
        for byte in text.utf8 {
            if index >= offset { break }
            if byte == UInt8(ascii: "\n") { line += 1 }
            index += 1
        }
        return line
    }

    /// The line in the file of a 0-based character (Unicode scalar) offset into `text`, as
    /// PostgreSQL reports error positions.
    public func line(atCharacterOffset offset: Int) -> Int {
        var line = firstLine
        for (index, scalar) in text.unicodeScalars.enumerated() {
            if index >= offset { break }
            if scalar == "\n" { line += 1 }
        }
        return line
    }

    /// The line in the file of the first non-blank, non-comment character of `text` (skipping `--`
    /// and nested `/* */` comments, as `SQLLexer` does): where a statement "starts" when the engine
    /// gives no position.
    public var firstStatementLine: Int {
        var copy = text
        let first: Int? = copy.withUTF8 { bytes in
            var line: Int?
            SQLLexer.scan(bytes) { token in
                line = token.line
                return false
            }
            return line
        }
        return firstLine + (first ?? 0)
    }
}
