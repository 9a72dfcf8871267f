import LifeboatCore
/// SPEC "Lint" (v2), PostgreSQL only: statements that hold a long lock or rewrite a table while
/// every query on it waits. Each finding's message names the statement, says why in one line and
/// gives the safe way to write it (`LintRule.safeWay`); docs/lint.md lists them with examples.
///
/// Token-based like the rest of `Lint`: comments, strings and dollar-quoted bodies never fire.
/// "Existing table" means not created by an earlier statement of the same run (`Lint.RunState`).
extension Lint {
    func lockRules(_ s: SQLStatement, run: inout RunState) -> [(LintRule, String)] {
        guard let verb = s.verbIndex, s.tokens[verb].kind == .word else { return [] }
        switch s.tokens[verb].text {
        case "CREATE":
            let index = s.skip(["UNIQUE"], from: verb + 1)
            if s.isWord(index, "INDEX") {
                let at = s.skip(["IF", "NOT", "EXISTS"], from: s.skip(["CONCURRENTLY"], from: index + 1))
                if !s.isWord(at, "ON"), let name = s.name(at: at) { run.createdIndexes.append(name.parts) }
            }
            return []
        case "DROP":
            if s.isWord(verb + 1, "DATABASE") {
                let name = s.name(at: s.skip(["IF", "EXISTS"], from: verb + 2))
                return [finding(.dropDatabase, "DROP DATABASE \(display(name?.parts))")]
            }
            guard s.isWord(verb + 1, "INDEX"), !s.isWord(verb + 2, "CONCURRENTLY") else { return [] }
            let name = s.name(at: s.skip(["IF", "EXISTS"], from: verb + 2))
            if let name, run.createdIndexes.contains(where: { Lint.sameTable($0, name.parts) }) { return [] }
            return [finding(.dropIndexWithoutConcurrently, "DROP INDEX \(display(name?.parts))")]
        case "REINDEX":
            guard !s.tokens.contains(where: { $0.kind == .word && $0.text == "CONCURRENTLY" }) else { return [] }
            return [finding(.reindexWithoutConcurrently, "REINDEX")]
        case "VACUUM":
            let full = s.isWord(verb + 1, "FULL")
                || (s.isSymbol(verb + 1, "(") && s.tokens.contains { $0.depth == 1 && $0.kind == .word && $0.text == "FULL" })
            return full ? [finding(.vacuumFull, "VACUUM FULL")] : []
        case "CLUSTER":
            return [finding(.cluster, "CLUSTER")]
        case "TRUNCATE":
            guard s.tokens.last(where: { $0.kind == .word && $0.depth == 0 })?.text == "CASCADE" else { return [] }
            return [finding(.truncateCascade, "TRUNCATE … CASCADE")]
        case "ALTER":
            return alterRules(s, verb: verb, run: &run)
        default:
            return []
        }
    }

    /// Objects whose rename breaks the code that still uses the old name (tables and columns have
    /// their own rules).
    private static let renamedObjects: Set<String> = ["VIEW", "MATERIALIZED", "TYPE", "SCHEMA", "SEQUENCE", "DOMAIN", "FUNCTION", "PROCEDURE"]

    private func alterRules(_ s: SQLStatement, verb: Int, run: inout RunState) -> [(LintRule, String)] {
        guard verb + 1 < s.tokens.count, s.tokens[verb + 1].kind == .word else { return [] }
        let object = s.tokens[verb + 1].text
        if object == "TYPE", let name = s.name(at: verb + 2), s.isWord(name.next, "RENAME"), s.isWord(name.next + 1, "VALUE") {
            return [finding(.renameEnumValue, "ALTER TYPE \(display(name.parts)) RENAME VALUE")]
        }
        if Self.renamedObjects.contains(object) {
            let words = s.tokens.filter { $0.depth == 0 && $0.kind == .word }.map(\.text)
            if zip(words, words.dropFirst()).contains(where: { $0 == "RENAME" && $1 == "TO" }) {
                let kind = object == "MATERIALIZED" ? "MATERIALIZED VIEW" : object
                return [finding(.renameObject, "ALTER \(kind) … RENAME TO")]
            }
            return []
        }
        guard object == "TABLE" || object == "INDEX" else { return [] }
        guard let table = s.alteredTable(verb: verb) else { return [] }
        let name = display(table.parts)
        let existing = object == "TABLE" && !run.isNew(table.parts)
        var result: [(LintRule, String)] = []
        for action in s.actions(from: table.actions) {
            let a = action.lowerBound
            let words = action.filter { s.tokens[$0].depth == 0 && s.tokens[$0].kind == .word }.map { s.tokens[$0].text }
            func has(_ first: String, _ second: String) -> Bool {
                zip(words, words.dropFirst()).contains { $0 == first && $1 == second }
            }
            if s.isWord(a, "SET"), s.isWord(a + 1, "TABLESPACE") {
                if existing || object == "INDEX" { result.append(finding(.setTablespace, "ALTER \(object) \(name) SET TABLESPACE")) }
            } else if s.isWord(a, "SET"), s.isWord(a + 1, "LOGGED") || s.isWord(a + 1, "UNLOGGED") {
                if existing { result.append(finding(.setLogged, "ALTER TABLE \(name) SET \(s.tokens[a + 1].text)")) }
            } else if s.isWord(a, "DETACH"), s.isWord(a + 1, "PARTITION") {
                if existing, !words.contains("CONCURRENTLY"), !words.contains("FINALIZE") {
                    result.append(finding(.detachPartitionWithoutConcurrently, "ALTER TABLE \(name) DETACH PARTITION"))
                }
            } else if s.isWord(a, "VALIDATE"), s.isWord(a + 1, "CONSTRAINT"), let constraint = s.name(at: a + 2),
                      run.notValid.contains(display(constraint.parts)) {
                result.append(finding(.validateInSameMigration, "VALIDATE CONSTRAINT \(display(constraint.parts)) on \(name)"))
            } else if existing, s.isWord(a, "ALTER") {
                guard has("SET", "NOT"), words.last == "NULL", !s.isWord(a + 1, "CONSTRAINT") else { continue }
                let column = s.name(at: s.skip(["COLUMN"], from: a + 1))
                result.append(finding(.setNotNull, "ALTER TABLE \(name) ALTER COLUMN \(display(column?.parts)) SET NOT NULL"))
            } else if s.isWord(a, "ADD") {
                result += addRules(s, action: action, words: words, table: name, existing: existing, run: &run)
            }
        }
        return result
    }

    /// `ADD [CONSTRAINT name] …` and `ADD [COLUMN] …` of an `ALTER TABLE`.
    private func addRules(_ s: SQLStatement, action: Range<Int>, words: [String], table: String,
                          existing: Bool, run: inout RunState) -> [(LintRule, String)] {
        var c = action.lowerBound + 1
        var constraintName: String?
        if s.isWord(c, "CONSTRAINT"), let name = s.name(at: c + 1) {
            constraintName = display(name.parts)
            c = name.next
        }
        let notValid = zip(words, words.dropFirst()).contains { $0 == "NOT" && $1 == "VALID" }
        switch c < action.upperBound && s.tokens[c].kind == .word ? s.tokens[c].text : "" {
        case "FOREIGN", "CHECK":
            if notValid, let constraintName { run.notValid.insert(constraintName) }
            guard existing, !notValid else { return [] }
            let kind = s.tokens[c].text == "CHECK" ? "CHECK" : "FOREIGN KEY"
            return [finding(.constraintWithoutNotValid, "ALTER TABLE \(table) ADD \(kind) without NOT VALID")]
        case "UNIQUE", "PRIMARY", "EXCLUDE":
            let kind = s.tokens[c].text == "PRIMARY" ? "PRIMARY KEY" : s.tokens[c].text
            let after = s.skip(["KEY"], from: c + 1)
            guard existing, !(s.isWord(after, "USING") && s.isWord(after + 1, "INDEX")) else { return [] }
            return [finding(.constraintWithoutUsingIndex, "ALTER TABLE \(table) ADD \(kind) without USING INDEX")]
        case "CONSTRAINT":
            return []
        default:
            guard existing else { return [] }
            c = s.skip(["IF", "NOT", "EXISTS"], from: s.skip(["COLUMN"], from: c))
            guard let column = s.name(at: c) else { return [] }
            let what = "ALTER TABLE \(table) ADD COLUMN \(column.parts.last ?? "?")"
            if words.contains("GENERATED"), words.contains("STORED") {
                return [finding(.addColumnStoredGenerated, what + " … GENERATED ALWAYS AS (…) STORED")]
            }
            var result: [(LintRule, String)] = []
            if let volatile = volatileDefault(s, in: column.next..<action.upperBound) {
                result.append(finding(.addColumnVolatileDefault, what + " with the volatile default \(volatile)"))
            }
            // An inline UNIQUE or PRIMARY KEY builds its index under the same ACCESS EXCLUSIVE lock.
            if let inline = words.first(where: { $0 == "UNIQUE" || $0 == "PRIMARY" }) {
                result.append(finding(.constraintWithoutUsingIndex, what + " " + (inline == "PRIMARY" ? "PRIMARY KEY" : inline)))
            }
            return result
        }
    }

    /// Functions PostgreSQL marks volatile that are used as column defaults. `now()`,
    /// `CURRENT_TIMESTAMP` and the like are stable: evaluated once, so since PostgreSQL 11 the
    /// column is added without a rewrite. A user function is not known here and does not fire.
    private static let volatileFunctions: Set<String> = [
        "GEN_RANDOM_UUID", "UUIDV4", "UUIDV7", "UUID_GENERATE_V1", "UUID_GENERATE_V1MC", "UUID_GENERATE_V4",
        "RANDOM", "RANDOM_NORMAL", "CLOCK_TIMESTAMP", "TIMEOFDAY", "NEXTVAL", "SETSEED", "GEN_RANDOM_BYTES",
    ]
    private static let serialTypes: Set<String> = ["SERIAL", "BIGSERIAL", "SMALLSERIAL", "SERIAL2", "SERIAL4", "SERIAL8"]

    /// The volatile value of a new column (`DEFAULT random()`, a serial type, an identity), if any.
    private func volatileDefault(_ s: SQLStatement, in range: Range<Int>) -> String? {
        if range.lowerBound < range.upperBound, s.tokens[range.lowerBound].kind == .word,
           Self.serialTypes.contains(s.tokens[range.lowerBound].text) {
            return s.tokens[range.lowerBound].text.lowercased() + " (nextval)"
        }
        var inDefault = false
        for index in range {
            let token = s.tokens[index]
            guard token.kind == .word else { continue }
            if token.depth == 0, token.text == "DEFAULT" { inDefault = true; continue }
            if token.depth == 0, token.text == "GENERATED", s.tokens[range].contains(where: { $0.kind == .word && $0.text == "IDENTITY" }) {
                return "GENERATED … AS IDENTITY (nextval)"
            }
            if inDefault, Self.volatileFunctions.contains(token.text), s.isSymbol(index + 1, "(") {
                return token.text.lowercased() + "()"
            }
        }
        return nil
    }

    /// A finding's message: what the statement is, why it hurts, and the safe way.
    private func finding(_ rule: LintRule, _ what: String) -> (LintRule, String) {
        (rule, "\(what) \(rule.reason); safe way: \(rule.safeWay)")
    }
}
