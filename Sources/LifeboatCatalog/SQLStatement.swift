import LifeboatCore
/// One statement seen as words and symbols, for the lint and the statement classifier: comments are
/// gone and string literals are opaque, so neither can ever look like a keyword.
struct SQLStatement {
    struct Token {
        let kind: SQLToken.Kind
        /// Words: upper-cased. Quoted identifiers: the name without quotes. Others: the text.
        let text: String
        /// Parenthesis depth at the token (0 = the statement's top level).
        let depth: Int
    }

    let tokens: [Token]

    init(_ text: String) {
        var copy = text
        tokens = copy.withUTF8 { bytes in
            var depth = 0
            return SQLLexer.tokens(in: bytes).map { token in
                let raw = String(decoding: UnsafeBufferPointer(rebasing: bytes[token.start..<token.end]), as: UTF8.self)
                var text = raw
                switch token.kind {
                case .word:
                    text = raw.uppercased()
                case .quotedIdentifier:
                    text = String(raw.dropFirst().dropLast())
                case .symbol where raw == ")":
                    depth = max(depth - 1, 0)
                default:
                    break
                }
                let result = Token(kind: token.kind, text: text, depth: depth)
                if token.kind == .symbol, raw == "(" { depth += 1 }
                return result
            }
        }
    }

    var isEmpty: Bool { tokens.isEmpty }

    /// Whether the token at `index` is the keyword `word` (upper case).
    func isWord(_ index: Int, _ word: String) -> Bool {
        index < tokens.count && tokens[index].kind == .word && tokens[index].text == word
    }

    func isSymbol(_ index: Int, _ symbol: String) -> Bool {
        index < tokens.count && tokens[index].kind == .symbol && tokens[index].text == symbol
    }

    /// Skips the keywords in `words` that appear, in order, from `index`; returns the next index.
    func skip(_ words: [String], from index: Int) -> Int {
        var cursor = index
        for word in words {
            guard isWord(cursor, word) else { return index }
            cursor += 1
        }
        return cursor
    }

    /// A possibly qualified name (`users`, `app.users`, `"App"."Users"`) starting at `index`:
    /// unquoted parts lower-cased (as PostgreSQL folds them), quoted ones kept. Returns the parts
    /// and the index after the name; nil when no name starts there.
    func name(at index: Int) -> (parts: [String], next: Int)? {
        var parts: [String] = []
        var cursor = index
        while cursor < tokens.count {
            let token = tokens[cursor]
            switch token.kind {
            case .word: parts.append(token.text.lowercased())
            case .quotedIdentifier: parts.append(token.text)
            default: return parts.isEmpty ? nil : (parts, cursor)
            }
            cursor += 1
            guard isSymbol(cursor, "."), cursor + 1 < tokens.count else { break }
            cursor += 1
        }
        return parts.isEmpty ? nil : (parts, cursor)
    }

    /// The index of the statement's verb: the first token, or after a `WITH …` clause the first
    /// top-level `SELECT`, `INSERT`, `UPDATE`, `DELETE` or `MERGE`.
    var verbIndex: Int? {
        guard !tokens.isEmpty else { return nil }
        guard isWord(0, "WITH") else { return 0 }
        let verbs: Set<String> = ["SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES"]
        return tokens.indices.dropFirst().first { tokens[$0].depth == 0 && tokens[$0].kind == .word && verbs.contains(tokens[$0].text) }
    }

    /// Whether a top-level `WHERE` follows `index`.
    func hasTopLevelWhere(after index: Int) -> Bool {
        tokens[(index + 1)...].contains { $0.depth == 0 && $0.kind == .word && $0.text == "WHERE" }
    }

    /// The table of `ALTER TABLE|INDEX [IF EXISTS] [ONLY] name [*]` (`verb` is the `ALTER`) and the
    /// index of its first action; nil when no name follows.
    func alteredTable(verb: Int) -> (parts: [String], actions: Int)? {
        let index = skip(["ONLY"], from: skip(["IF", "EXISTS"], from: verb + 2))
        guard let table = name(at: index) else { return nil }
        return (table.parts, isSymbol(table.next, "*") ? table.next + 1 : table.next)
    }

    /// The token ranges of an `ALTER TABLE`'s actions, split at top-level commas, starting at `index`.
    func actions(from index: Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = index
        for cursor in index..<tokens.count where tokens[cursor].depth == 0 && (isSymbol(cursor, ",") || isSymbol(cursor, ";")) {
            if cursor > start { result.append(start..<cursor) }
            start = cursor + 1
        }
        if start < tokens.count { result.append(start..<tokens.count) }
        return result
    }
}
