import LifeboatCore

/// What Run needs to know about a statement to deal with a lock wait, read from its tokens (as
/// the lint reads them: nothing in a comment or string counts).
public enum StatementTables {
    /// Keywords after which a table name follows: `ALTER TABLE t`, `CREATE INDEX … ON t`,
    /// `INSERT INTO t`, `UPDATE t`, `DELETE FROM t`, `TRUNCATE t`, `REFERENCES t`, `LOCK t`, `JOIN t`.
    private static let before: Set<String> = ["TABLE", "ON", "INTO", "UPDATE", "FROM", "TRUNCATE", "REFERENCES", "JOIN", "LOCK"]
    /// Words that may sit between such a keyword and the name.
    private static let skipped: Set<String> = ["IF", "EXISTS", "NOT", "ONLY", "TABLE"]

    /// The tables the statements of `script` name, as SQL names (`"public"."orders"`, parts quoted,
    /// unquoted parts folded to lower case as PostgreSQL does), in order, without repeats: where
    /// to look for sessions in the way. A name that is not a table (a trigger's `ON` target that is
    /// a view, a function's `FROM`) is harmless: the engine resolves names and ignores the rest.
    public static func tables(in script: SQLScript) -> [String] {
        var names: [String] = []
        for statement in script.statements {
            let parsed = SQLStatement(statement.text)
            var index = 0
            while index < parsed.tokens.count {
                defer { index += 1 }
                let token = parsed.tokens[index]
                guard token.kind == .word, before.contains(token.text) else { continue }
                var cursor = index + 1
                while cursor < parsed.tokens.count, parsed.tokens[cursor].kind == .word, skipped.contains(parsed.tokens[cursor].text) {
                    cursor += 1
                }
                guard let name = parsed.name(at: cursor) else { continue }
                let sql = name.parts.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ".")
                if !names.contains(sql) { names.append(sql) }
            }
        }
        return names
    }

    /// Whether PostgreSQL runs `statement` in a transaction of its own when it is sent alone, so a
    /// lock timeout rolls back all it did and running it again is safe: every statement except
    /// those refused inside a transaction block (`CREATE INDEX CONCURRENTLY`, `VACUUM`, …), which
    /// commit as they go and may leave work behind (an invalid index) when cancelled.
    public static func runsInOneTransaction(_ statement: SQLScript) -> Bool {
        (try? SectionCheck.check(statement, inTransaction: true)) != nil
    }
}
