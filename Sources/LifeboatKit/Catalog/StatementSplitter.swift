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
            let tokens = SQLLexer.tokens(in: bytes)
            return ranges(of: tokens, in: bytes).map { range in
                let first = tokens[range.lowerBound]
                let last = tokens[range.upperBound - 1]
                let slice = UnsafeBufferPointer(rebasing: bytes[first.start..<last.end])
                return SQLScript(String(decoding: slice, as: UTF8.self), file: script.file,
                                 firstLine: script.firstLine + first.line)
            }
        }
    }

    /// Token index ranges of the statements, each including its closing `;` when there is one.
    static func ranges(of tokens: [SQLToken], in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var index = 0
        while index < tokens.count {
            let start = index
            let hasBody = startsBlockStatement(tokens, at: start, in: bytes)
            var depth = 0
            var end = tokens.count
            while index < tokens.count {
                let token = tokens[index]
                if token.kind == .symbol, bytes[token.start] == UInt8(ascii: ";"), depth == 0 {
                    end = index + 1
                    break
                }
                if hasBody, token.kind == .word {
                    if keyword(token, in: bytes, is: "BEGIN") || (depth > 0 && keyword(token, in: bytes, is: "CASE")) {
                        depth += 1
                    } else if depth > 0, keyword(token, in: bytes, is: "END") {
                        depth -= 1
                    }
                }
                index += 1
            }
            index = end
            // A lone `;` (empty statement) is dropped.
            let isEmpty = end - start == 1 && tokens[start].kind == .symbol && bytes[tokens[start].start] == UInt8(ascii: ";")
            if !isEmpty { result.append(start..<end) }
        }
        return result
    }

    /// `CREATE [OR REPLACE] [TEMP|TEMPORARY] TRIGGER|FUNCTION|PROCEDURE`: statements whose
    /// `BEGIN … END` body may hold semicolons.
    private static func startsBlockStatement(_ tokens: [SQLToken], at start: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = start
        func next(_ word: StaticString) -> Bool {
            guard index < tokens.count, tokens[index].kind == .word, keyword(tokens[index], in: bytes, is: word) else { return false }
            index += 1
            return true
        }
        guard next("CREATE") else { return false }
        if next("OR") { guard next("REPLACE") else { return false } }
        _ = next("TEMP") || next("TEMPORARY")
        return next("TRIGGER") || next("FUNCTION") || next("PROCEDURE")
    }

    /// Case-insensitive comparison of a word token with an upper-case ASCII keyword.
    static func keyword(_ token: SQLToken, in bytes: UnsafeBufferPointer<UInt8>, is word: StaticString) -> Bool {
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

extension SQLScript {
    /// The script's statements (see `StatementSplitter`).
    public var statements: [SQLScript] { StatementSplitter.split(self) }

    /// False when the script holds only comments and white space (or nothing): an empty down
    /// section is a valid no-op, and an engine need not be asked to run it.
    public var hasStatements: Bool {
        SQLLexer.containsToken(text)
    }
}
