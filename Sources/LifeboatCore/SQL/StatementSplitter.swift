/// Splits SQL scripts into single statements, for no-transaction migrations (run one statement at a
/// time), the lint and `plan`'s list of statement kinds.
///
/// A `;` ends a statement except inside string literals (`'…'` with `''`, `E'…'` with backslash
/// escapes), dollar quotes (`$$…$$`, `$fn$…$fn$`), quoted identifiers (`"…"`, `` `…` ``), `--`
/// comments, nested `/* */` comments, and the `BEGIN … END` body of a `CREATE TRIGGER` (SQLite) or
/// of a `CREATE FUNCTION/PROCEDURE … BEGIN ATOMIC … END` (PostgreSQL), where `CASE … END` is
/// counted so it does not end the body early.
///
/// Each statement's text starts at its first non-blank, non-comment character (comments before
/// it belong to no statement) and runs through its `;` (the last statement may lack one);
/// `firstLine` is the file line of that first character, so `SQLScript.line(atUTF8Offset:)` on
/// the statement gives file lines. Statements that would hold only comments or white space are
/// dropped.
public enum StatementSplitter {
    /// The statements of `script`, in order, each with the script's `file`.
    public static func split(_ script: SQLScript) -> [SQLScript] {
        var text = script.text
        return text.withUTF8 { bytes in
            spans(in: bytes).map { span in
                let slice = UnsafeBufferPointer(rebasing: bytes[span.bytes])
                return SQLScript(String(decoding: slice, as: UTF8.self), file: script.file,
                                 firstLine: script.firstLine + span.line)
            }
        }
    }

    /// Where one statement lies in lexed text.
    package struct Span: Sendable, Equatable {
        /// UTF-8 byte range from the statement's first token through its last (its `;` when it has one).
        package let bytes: Range<Int>
        /// 0-based line of its first token, counted from the start of the text.
        package let line: Int
    }

    /// The statements of UTF-8 text as byte ranges: what an engine needs to blame an error on the
    /// statement the server ran, counted the same way the migration runner counts them.
    package static func spans(in bytes: UnsafeBufferPointer<UInt8>) -> [Span] {
        let tokens = SQLLexer.tokens(in: bytes)
        return ranges(of: tokens, in: bytes).map { range in
            let first = tokens[range.lowerBound]
            return Span(bytes: first.start..<tokens[range.upperBound - 1].end, line: first.line)
        }
    }

    /// Token index ranges of the statements, each including its closing `;` when there is one.
    package static func ranges(of tokens: [SQLToken], in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var boundaries = StatementBoundaries()
        var start = 0
        for (index, token) in tokens.enumerated() {
            switch boundaries.feed(token, in: bytes) {
            case .inside:
                continue
            case .ended:
                result.append(start..<(index + 1))
            case .empty:
                break  // A lone `;` (empty statement) is dropped.
            }
            start = index + 1
        }
        if start < tokens.count { result.append(start..<tokens.count) }
        return result
    }

    /// Case-insensitive comparison of a word token with an upper-case ASCII keyword.
    package static func keyword(_ token: SQLToken, in bytes: UnsafeBufferPointer<UInt8>, is word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard token.end - token.start == length else { return false }
        let pointer = word.utf8Start
        for offset in 0..<length {
            var byte = bytes[token.start + offset]
            if byte >= 0x61 && byte <= 0x7A { byte -= 0x20 }
            if byte != pointer[offset] { return false }
        }
        return true
    }
}

/// Where statements end, fed one token at a time (so a file can be checked without keeping its
/// tokens): a top-level `;` ends a statement, except inside the `BEGIN … END` body of a
/// `CREATE [OR REPLACE] [TEMP|TEMPORARY] TRIGGER|FUNCTION|PROCEDURE`, where `CASE … END` is counted so
/// it does not end the body early.
package struct StatementBoundaries: Sendable {
    package enum Event: Equatable {
        /// The token is part of a statement that goes on (or is its first token).
        case inside
        /// The token is the `;` that ends a statement.
        case ended
        /// The token is a `;` with nothing before it: an empty statement.
        case empty
    }

    /// Tokens of the current statement seen so far (0: the next token starts a statement).
    package private(set) var position = 0
    /// How much of `CREATE [OR REPLACE] [TEMP|TEMPORARY] TRIGGER|FUNCTION|PROCEDURE` has matched.
    private var prefix = Prefix.start
    private var depth = 0

    private enum Prefix {
        case start, create, orReplace, replaced, temp, body, none

        var isTemp: Bool {
            if case .temp = self { return true }
            return false
        }
    }

    package init() {}

    package mutating func feed(_ token: SQLToken, in bytes: UnsafeBufferPointer<UInt8>) -> Event {
        // Pattern matches, not `==`: this runs for every token of a restore, and `==` on the
        // enums here went through a generic witness call.
        if case .symbol = token.kind, bytes[token.start] == UInt8(ascii: ";"), depth == 0 {
            let event: Event = position == 0 ? .empty : .ended
            self = StatementBoundaries()
            return event
        }
        position += 1
        guard case .word = token.kind else {
            if case .body = prefix {} else { prefix = .none }
            return .inside
        }
        func word(_ keyword: StaticString) -> Bool { StatementSplitter.keyword(token, in: bytes, is: keyword) }
        switch prefix {
        case .body:
            if word("BEGIN") || (depth > 0 && word("CASE")) {
                depth += 1
            } else if depth > 0, word("END") {
                depth -= 1
            }
        case .none:
            break
        case .start:
            prefix = word("CREATE") ? .create : .none
        case .orReplace:
            prefix = word("REPLACE") ? .replaced : .none
        case .create, .replaced, .temp:
            if case .create = prefix, word("OR") {
                prefix = .orReplace
            } else if !prefix.isTemp, word("TEMP") || word("TEMPORARY") {
                prefix = .temp
            } else {
                prefix = word("TRIGGER") || word("FUNCTION") || word("PROCEDURE") ? .body : .none
            }
        }
        return .inside
    }
}

extension SQLScript {
    /// The script's statements (see `StatementSplitter`).
    public var statements: [SQLScript] { StatementSplitter.split(self) }

    /// False when the script holds only comments and white space (or nothing): an empty down
    /// section is a valid no-op, and an engine need not be asked to run it.
    public var hasStatements: Bool {
        SQLLexer.containsToken(text)
    }
}
