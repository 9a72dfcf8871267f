/// One token of SQL text: a byte range and the line it starts on. Comments and white space are
/// not tokens.
struct SQLToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A keyword or unquoted identifier (letters, digits, `_`, `$`, non-ASCII).
        case word
        /// `"name"` or `` `name` ``.
        case quotedIdentifier
        /// `'text'`, `E'text'` (the `E` is part of the token), or a dollar-quoted `$tag$text$tag$`.
        case string
        case number
        /// `$1`, `?`, `:name`-style parameters are symbols or words; `$1` is its own kind.
        case parameter
        /// Any other single byte: `;`, `(`, `)`, `,`, `.`, operators.
        case symbol
    }

    let kind: Kind
    /// Byte offsets into the lexed text.
    let start: Int
    let end: Int
    /// 0-based line of `start`, counted from the start of the lexed text.
    let line: Int
}

/// Cuts SQL text into tokens, skipping white space, `--` comments and nested `/* */` comments, and
/// keeping string literals (`'…'` with `''`, PostgreSQL `E'…'` with backslash escapes, dollar
/// quotes `$$…$$` / `$tag$…$tag$`) and quoted identifiers (`"…"`, `` `…` ``) whole.
///
/// Shared by the statement splitter, the lint and the statement classifier, so all three agree on
/// what is a comment and what is a string. An unterminated string or comment runs to the end.
enum SQLLexer {
    static func tokens(in text: String) -> [SQLToken] {
        var copy = text
        return copy.withUTF8 { tokens(in: $0) }
    }

    /// Whether the text holds any token: false for only comments and white space.
    static func containsToken(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { !tokens(in: $0, stopAtFirst: true).isEmpty }
    }

    static func tokens(in bytes: UnsafeBufferPointer<UInt8>, stopAtFirst: Bool = false) -> [SQLToken] {
        var tokens: [SQLToken] = []
        let count = bytes.count
        var index = 0
        var line = 0

        /// Advances `index` to just past the next `quote` that is not doubled (`''`), counting lines;
        /// with `backslash`, a `\` escapes the byte after it.
        func skipQuoted(_ quote: UInt8, backslash: Bool) {
            while index < count {
                let byte = bytes[index]
                if byte == 0x0A { line += 1 }
                if backslash, byte == 0x5C {
                    index += 1
                    if index < count, bytes[index] == 0x0A { line += 1 }
                    index += 1
                    continue
                }
                index += 1
                if byte == quote {
                    if index < count, bytes[index] == quote { index += 1; continue }
                    return
                }
            }
        }

        while index < count {
            if stopAtFirst, !tokens.isEmpty { break }
            let byte = bytes[index]
            let start = index
            let startLine = line
            switch byte {
            case 0x0A:
                line += 1
                index += 1
            case 0x20, 0x09, 0x0D, 0x0B, 0x0C:
                index += 1
            case UInt8(ascii: "-") where index + 1 < count && bytes[index + 1] == UInt8(ascii: "-"):
                while index < count, bytes[index] != 0x0A { index += 1 }
            case UInt8(ascii: "/") where index + 1 < count && bytes[index + 1] == UInt8(ascii: "*"):
                var depth = 0
                while index < count {
                    let b = bytes[index]
                    if b == UInt8(ascii: "/"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "*") {
                        depth += 1
                        index += 2
                    } else if b == UInt8(ascii: "*"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "/") {
                        depth -= 1
                        index += 2
                        if depth == 0 { break }
                    } else {
                        if b == 0x0A { line += 1 }
                        index += 1
                    }
                }
            case UInt8(ascii: "'"):
                index += 1
                skipQuoted(byte, backslash: false)
                tokens.append(SQLToken(kind: .string, start: start, end: index, line: startLine))
            case UInt8(ascii: "\""), UInt8(ascii: "`"):
                index += 1
                skipQuoted(byte, backslash: false)
                tokens.append(SQLToken(kind: .quotedIdentifier, start: start, end: index, line: startLine))
            case UInt8(ascii: "$"):
                if index + 1 < count, isDigit(bytes[index + 1]) {
                    index += 1
                    while index < count, isDigit(bytes[index]) { index += 1 }
                    tokens.append(SQLToken(kind: .parameter, start: start, end: index, line: startLine))
                } else if let tagEnd = dollarTagEnd(bytes, from: index) {
                    // The opening tag is bytes[start..<tagEnd]; find the same tag again.
                    let tagLength = tagEnd - start
                    index = tagEnd
                    var closed = false
                    while index < count {
                        if bytes[index] == UInt8(ascii: "$"), index + tagLength <= count,
                           (0..<tagLength).allSatisfy({ bytes[index + $0] == bytes[start + $0] }) {
                            index += tagLength
                            closed = true
                            break
                        }
                        if bytes[index] == 0x0A { line += 1 }
                        index += 1
                    }
                    if !closed { index = count }
                    tokens.append(SQLToken(kind: .string, start: start, end: index, line: startLine))
                } else {
                    index += 1
                    tokens.append(SQLToken(kind: .symbol, start: start, end: index, line: startLine))
                }
            case _ where isWordStart(byte):
                // E'…' (PostgreSQL escape string): a lone E/e directly before a quote.
                if byte | 0x20 == UInt8(ascii: "e"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "'") {
                    index += 2
                    skipQuoted(UInt8(ascii: "'"), backslash: true)
                    tokens.append(SQLToken(kind: .string, start: start, end: index, line: startLine))
                } else {
                    index += 1
                    while index < count, isWordByte(bytes[index]) { index += 1 }
                    tokens.append(SQLToken(kind: .word, start: start, end: index, line: startLine))
                }
            case _ where isDigit(byte) || (byte == UInt8(ascii: ".") && index + 1 < count && isDigit(bytes[index + 1])):
                index += 1
                while index < count, isWordByte(bytes[index]) || bytes[index] == UInt8(ascii: ".") { index += 1 }
                tokens.append(SQLToken(kind: .number, start: start, end: index, line: startLine))
            default:
                index += 1
                tokens.append(SQLToken(kind: .symbol, start: start, end: index, line: startLine))
            }
        }
        return tokens
    }

    /// When a dollar-quote tag (`$$` or `$tag$`) starts at `index`, the offset just past it.
    private static func dollarTagEnd(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Int? {
        var cursor = index + 1
        guard cursor < bytes.count else { return nil }
        if bytes[cursor] == UInt8(ascii: "$") { return cursor + 1 }
        guard isWordStart(bytes[cursor]) else { return nil }
        while cursor < bytes.count {
            let b = bytes[cursor]
            if b == UInt8(ascii: "$") { return cursor + 1 }
            guard isWordStart(b) || isDigit(b) else { return nil }
            cursor += 1
        }
        return nil
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    @inline(__always) static func isWordStart(_ b: UInt8) -> Bool {
        (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == UInt8(ascii: "_") || b >= 0x80
    }

    @inline(__always) static func isWordByte(_ b: UInt8) -> Bool {
        isWordStart(b) || isDigit(b) || b == UInt8(ascii: "$")
    }
}
