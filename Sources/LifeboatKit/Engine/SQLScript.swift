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

    /// The line in the file of the first non-blank, non-comment character of `text`: where a
    /// statement "starts" when the engine gives no position.
    public var firstStatementLine: Int {
        var line = firstLine
        var inLineComment = false
        var previous: Character = " "
        for ch in text {
            if inLineComment {
                if ch == "\n" { inLineComment = false; line += 1 }
                continue
            }
            if ch == "\n" { line += 1; previous = " "; continue }
            if ch == "-" && previous == "-" { inLineComment = true; previous = " "; continue }
            if ch == "-" { previous = ch; continue }
            if !ch.isWhitespace { return line }
            previous = ch
        }
        return firstLine
    }
}
