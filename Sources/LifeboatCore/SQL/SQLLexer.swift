/// One token of SQL text: a byte range and the line it starts on. Comments and white space are
/// not tokens.
package struct SQLToken: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
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

    package let kind: Kind
    /// Byte offsets into the lexed text.
    package let start: Int
    package let end: Int
    /// 0-based line of `start`, counted from the start of the lexed text.
    package let line: Int
}

/// Cuts SQL text into tokens, skipping white space, `--` comments and nested `/* */` comments, and
/// keeping string literals (`'…'` with `''`, PostgreSQL `E'…'` with backslash escapes, dollar
/// quotes `$$…$$` / `$tag$…$tag$`) and quoted identifiers (`"…"`, `` `…` ``) whole.
///
/// The one SQL lexer of the package: shared by the statement splitter, the lint, the statement
/// classifier, the file checks, the PostgreSQL dump reader (restores) and the mapping of a
/// PostgreSQL error to its statement and line, so all agree on what is a comment, a string and a
/// statement. It serves both dialects: SQLite never writes `E'…'` or dollar quotes in valid SQL,
/// so reading them the PostgreSQL way costs SQLite nothing. An unterminated string or comment runs to the
/// end; `scan` reports where it began, so the file checks can refuse it instead of an engine
/// silently dropping the rest of the file.
package enum SQLLexer {
    /// A string, quoted identifier or comment that the text never closes.
    package struct Unterminated: Sendable, Equatable {
        package enum Kind: String, Sendable {
            case blockComment = "/* comment"
            case string = "string literal"
            case quotedIdentifier = "quoted identifier"
            case dollarQuote = "dollar-quoted string"
        }

        package let kind: Kind
        /// 0-based line where it begins, counted from the start of the lexed text.
        package let line: Int
    }

    package static func tokens(in text: String) -> [SQLToken] {
        var copy = text
        return copy.withUTF8 { tokens(in: $0) }
    }

    /// Whether the text holds any token: false for only comments and white space.
    package static func containsToken(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { !tokens(in: $0, stopAtFirst: true).isEmpty }
    }

    package static func tokens(in bytes: UnsafeBufferPointer<UInt8>, stopAtFirst: Bool = false) -> [SQLToken] {
        var tokens: [SQLToken] = []
        scan(bytes) { token in
            tokens.append(token)
            return !stopAtFirst
        }
        return tokens
    }

    /// Hands each token to `body` in order without keeping them (so a 50 MB data migration is
    /// checked in constant memory), until `body` returns false.
    /// - Returns: where an unterminated string, identifier or comment begins, if the text has one
    ///   (nil as well when `body` stopped early).
    @discardableResult
    package static func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (SQLToken) -> Bool) -> Unterminated? {
        let count = bytes.count
        var index = 0
        var line = 0

        /// Advances `index` to just past the next `quote` that is not doubled (`''`), counting lines;
        /// with `backslash`, a `\` escapes the byte after it. False when the text ends first.
        func skipQuoted(_ quote: UInt8, backslash: Bool) -> Bool {
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
                    return true
                }
            }
            return false
        }

        while index < count {
            let byte = bytes[index]
            let start = index
            let startLine = line
            var token: SQLToken.Kind?
            var closed = true
            var opened = Unterminated.Kind.string
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
                closed = false
                opened = .blockComment
                while index < count {
                    let b = bytes[index]
                    if b == UInt8(ascii: "/"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "*") {
                        depth += 1
                        index += 2
                    } else if b == UInt8(ascii: "*"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "/") {
                        depth -= 1
                        index += 2
                        if depth == 0 { closed = true; break }
                    } else {
                        if b == 0x0A { line += 1 }
                        index += 1
                    }
                }
            case UInt8(ascii: "'"):
                index += 1
                closed = skipQuoted(byte, backslash: false)
                token = .string
            case UInt8(ascii: "\""), UInt8(ascii: "`"):
                index += 1
                closed = skipQuoted(byte, backslash: false)
                token = .quotedIdentifier
                opened = .quotedIdentifier
            case UInt8(ascii: "$"):
                if index + 1 < count, isDigit(bytes[index + 1]) {
                    index += 1
                    while index < count, isDigit(bytes[index]) { index += 1 }
                    token = .parameter
                } else if let tagEnd = dollarTagEnd(bytes, from: index) {
                    // The opening tag is bytes[start..<tagEnd]; find the same tag again.
                    let tagLength = tagEnd - start
                    index = tagEnd
                    closed = false
                    opened = .dollarQuote
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
                    token = .string
                } else {
                    index += 1
                    token = .symbol
                }
            case _ where isWordStart(byte):
                // E'…' (PostgreSQL escape string): a lone E/e directly before a quote.
                if byte | 0x20 == UInt8(ascii: "e"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "'") {
                    index += 2
                    closed = skipQuoted(UInt8(ascii: "'"), backslash: true)
                    token = .string
                } else {
                    index += 1
                    while index < count, isWordByte(bytes[index]) { index += 1 }
                    token = .word
                }
            case _ where isDigit(byte) || (byte == UInt8(ascii: ".") && index + 1 < count && isDigit(bytes[index + 1])):
                index += 1
                while index < count, isWordByte(bytes[index]) || bytes[index] == UInt8(ascii: ".") { index += 1 }
                token = .number
            default:
                index += 1
                token = .symbol
            }
            if index > count { index = count }
            if let token, !body(SQLToken(kind: token, start: start, end: index, line: startLine)) { return nil }
            if !closed { return Unterminated(kind: opened, line: startLine) }
        }
        return nil
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
