import LifeboatCore
/// What kind of statement a piece of SQL is, for `plan` to print: `CREATE TABLE`, `ALTER TABLE`,
/// `CREATE INDEX`, `INSERT`, `UPDATE`, `DELETE`, `DROP TABLE`, `CREATE TRIGGER`, …
///
/// Upper case; the object of `CREATE`/`ALTER`/`DROP` is included, modifiers are not
/// (`CREATE UNIQUE INDEX` and `CREATE INDEX CONCURRENTLY` are `CREATE INDEX`,
/// `CREATE OR REPLACE FUNCTION` is `CREATE FUNCTION`). `WITH … DELETE` is `DELETE`.
/// Anything not recognised is its first keyword; a statement with no keyword is `OTHER`.
public enum StatementKind {
    /// The kind of one statement (see `StatementSplitter` to cut a script into statements).
    public static func of(_ statement: SQLScript) -> String {
        of(SQLStatement(statement.text))
    }

    /// The kinds of each statement of `script`, in order.
    public static func kinds(in script: SQLScript) -> [String] {
        script.statements.map { of($0) }
    }

    /// Modifiers between `CREATE` and the object's name that the kind leaves out.
    private static let createModifiers: Set<String> = [
        "OR", "REPLACE", "TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL", "UNIQUE", "RECURSIVE",
        "TRUSTED", "PROCEDURAL", "CONSTRAINT", "DEFAULT",
    ]
    /// Objects named by two words.
    private static let twoWordObjects: Set<String> = ["MATERIALIZED", "VIRTUAL", "FOREIGN", "EVENT", "TEXT", "ACCESS", "OPERATOR", "USER"]

    static func of(_ statement: SQLStatement) -> String {
        guard let verbIndex = statement.verbIndex else {
            return statement.isEmpty ? "OTHER" : "WITH"
        }
        let tokens = statement.tokens
        guard tokens[verbIndex].kind == .word else {
            // `(SELECT …) UNION …` and the like.
            return tokens.first(where: { $0.kind == .word }).map(\.text) ?? "OTHER"
        }
        let verb = tokens[verbIndex].text
        switch verb {
        case "CREATE", "ALTER", "DROP":
            var index = verbIndex + 1
            if verb == "CREATE" {
                while index < tokens.count, tokens[index].kind == .word, createModifiers.contains(tokens[index].text) { index += 1 }
            }
            guard index < tokens.count, tokens[index].kind == .word else { return verb }
            var object = tokens[index].text
            if twoWordObjects.contains(object), statement.tokens.indices.contains(index + 1), tokens[index + 1].kind == .word {
                object += " " + tokens[index + 1].text
            }
            return verb + " " + object
        case "REFRESH":
            return statement.isWord(verbIndex + 1, "MATERIALIZED") ? "REFRESH MATERIALIZED VIEW" : verb
        case "COMMENT":
            return "COMMENT ON"
        default:
            return verb
        }
    }
}
