import LifeboatCore
/// A lint rule: a kind of statement that loses data or blocks writers.
public enum LintRule: String, Sendable, Codable, CaseIterable {
    case dropTable = "drop-table"
    case dropColumn = "drop-column"
    case dropSchema = "drop-schema"
    case truncate = "truncate"
    case deleteWithoutWhere = "delete-without-where"
    case updateWithoutWhere = "update-without-where"
    case alterColumnType = "alter-column-type"
    case renameTable = "rename-table"
    case renameColumn = "rename-column"
    /// PostgreSQL only.
    case addColumnNotNullWithoutDefault = "add-column-not-null-without-default"
    /// PostgreSQL only; not for a table created earlier in the same run.
    case createIndexWithoutConcurrently = "create-index-without-concurrently"

    // SPEC v2, PostgreSQL only: long locks and table rewrites (see `LintLockRules.swift`, docs/lint.md).
    case constraintWithoutNotValid = "constraint-without-not-valid"
    case validateInSameMigration = "validate-in-same-migration"
    case setNotNull = "set-not-null"
    case constraintWithoutUsingIndex = "constraint-without-using-index"
    case addColumnVolatileDefault = "add-column-volatile-default"
    case addColumnStoredGenerated = "add-column-stored-generated"
    case dropIndexWithoutConcurrently = "drop-index-without-concurrently"
    case reindexWithoutConcurrently = "reindex-without-concurrently"
    case detachPartitionWithoutConcurrently = "detach-partition-without-concurrently"
    case vacuumFull = "vacuum-full"
    case cluster = "cluster"
    case setTablespace = "set-tablespace"
    case setLogged = "set-logged"
    case truncateCascade = "truncate-cascade"
    case dropDatabase = "drop-database"
    case renameObject = "rename-object"
    case renameEnumValue = "rename-enum-value"
}

/// One lint finding: where, which rule, and a one-line reason.
public struct LintFinding: Sendable, Equatable, Codable {
    /// The migration file.
    public let file: String
    /// 1-based line in the file where the statement starts.
    public let line: Int
    /// The rule's name (`LintRule.rawValue`, e.g. `drop-table`).
    public let rule: String
    public let message: String
    /// True when the migration says `-- lifeboat:allow-destructive`: reported, but not a failure.
    public let allowed: Bool

    public init(file: String, line: Int, rule: String, message: String, allowed: Bool = false) {
        self.file = file
        self.line = line
        self.rule = rule
        self.message = message
        self.allowed = allowed
    }

    /// `file:line: rule: message`, with `(allowed)` for an allowed finding.
    public var summary: String {
        "\(file):\(line): \(rule): \(message)" + (allowed ? " (allowed by -- lifeboat:allow-destructive)" : "")
    }
}

/// The static lint (SPEC "Lint") over the up sections of migrations; down sections are not linted.
///
/// It works on tokens (`SQLLexer`), so text in comments and string literals never triggers a rule.
/// Findings of a migration marked `-- lifeboat:allow-destructive` come back with `allowed == true`;
/// `plan` and `lint` fail (exit 6) on the others unless `--allow-destructive` is given.
public struct Lint: Sendable {
    public let engine: DatabaseURL.Engine

    public init(engine: DatabaseURL.Engine) {
        self.engine = engine
    }

    /// The findings of each migration's up section, in order. A table (or index) created by an
    /// earlier migration of the list is not an existing one for the rules about existing tables:
    /// the list is one run (`plan`: the pending migrations; `lint`: the files it reads).
    public func findings(in migrations: [Migration]) -> [LintFinding] {
        var run = RunState()
        return migrations.flatMap { findings(in: $0.up, allowed: $0.allowDestructive, run: &run) }
    }

    /// The findings of one migration's up section, `allowed` when it says `-- lifeboat:allow-destructive`.
    public func findings(in migration: Migration) -> [LintFinding] {
        findings(in: migration.up, allowed: migration.allowDestructive)
    }

    /// The findings of a script; tables created in it do not count as existing.
    public func findings(in script: SQLScript, allowed: Bool = false) -> [LintFinding] {
        var run = RunState()
        return findings(in: script, allowed: allowed, run: &run)
    }

    /// What earlier statements of the run created, and what the current migration left `NOT VALID`.
    struct RunState {
        var createdTables: [[String]] = []
        var createdIndexes: [[String]] = []
        /// Constraints added `NOT VALID` in the current migration (reset per migration).
        var notValid: Set<String> = []

        func isNew(_ table: [String]) -> Bool { createdTables.contains { Lint.sameTable($0, table) } }
    }

    private func findings(in script: SQLScript, allowed: Bool, run: inout RunState) -> [LintFinding] {
        run.notValid = []
        var result: [LintFinding] = []
        for statement in script.statements {
            let parsed = SQLStatement(statement.text)
            var found = check(parsed, createdTables: &run.createdTables)
            if engine == .postgres { found += lockRules(parsed, run: &run) }
            for (rule, message) in found {
                result.append(LintFinding(file: statement.file ?? "", line: statement.firstLine,
                                          rule: rule.rawValue, message: message, allowed: allowed))
            }
        }
        return result
    }

    /// The findings that stop `plan` and `lint` (not allowed by the migration).
    public static func blocking(_ findings: [LintFinding]) -> [LintFinding] {
        findings.filter { !$0.allowed }
    }

    // MARK: - Rules

    private func check(_ s: SQLStatement, createdTables: inout [[String]]) -> [(LintRule, String)] {
        guard let verb = s.verbIndex, s.tokens[verb].kind == .word else { return [] }
        switch s.tokens[verb].text {
        case "DROP":
            if s.isWord(verb + 1, "TABLE") {
                let name = s.name(at: s.skip(["IF", "EXISTS"], from: verb + 2))
                return [(.dropTable, "DROP TABLE \(display(name?.parts)) deletes the table and every row in it")]
            }
            if s.isWord(verb + 1, "SCHEMA") {
                let name = s.name(at: s.skip(["IF", "EXISTS"], from: verb + 2))
                return [(.dropSchema, "DROP SCHEMA \(display(name?.parts)) deletes the schema and everything in it")]
            }
            return []
        case "TRUNCATE":
            var index = s.skip(["TABLE"], from: verb + 1)
            index = s.skip(["ONLY"], from: index)
            return [(.truncate, "TRUNCATE \(display(s.name(at: index)?.parts)) deletes every row")]
        case "DELETE":
            guard !s.hasTopLevelWhere(after: verb) else { return [] }
            let name = s.name(at: s.skip(["ONLY"], from: s.skip(["FROM"], from: verb + 1)))
            return [(.deleteWithoutWhere, "DELETE FROM \(display(name?.parts)) without WHERE deletes every row")]
        case "UPDATE":
            guard !s.hasTopLevelWhere(after: verb) else { return [] }
            var index = verb + 1
            if s.isWord(index, "OR") { index += 2 }
            let name = s.name(at: s.skip(["ONLY"], from: index))
            return [(.updateWithoutWhere, "UPDATE \(display(name?.parts)) without WHERE changes every row")]
        case "CREATE":
            return checkCreate(s, verb: verb, createdTables: &createdTables)
        case "ALTER":
            guard s.isWord(verb + 1, "TABLE") else { return [] }
            return checkAlterTable(s, verb: verb)
        default:
            return []
        }
    }

    private func checkCreate(_ s: SQLStatement, verb: Int, createdTables: inout [[String]]) -> [(LintRule, String)] {
        var index = verb + 1
        while index < s.tokens.count, s.tokens[index].kind == .word,
              ["OR", "REPLACE", "TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL", "UNIQUE"].contains(s.tokens[index].text) {
            index += 1
        }
        if s.isWord(index, "TABLE") {
            if let name = s.name(at: s.skip(["IF", "NOT", "EXISTS"], from: index + 1)) { createdTables.append(name.parts) }
            return []
        }
        guard engine == .postgres, s.isWord(index, "INDEX") else { return [] }
        guard !s.isWord(index + 1, "CONCURRENTLY") else { return [] }
        guard let on = s.tokens.indices.first(where: { s.tokens[$0].depth == 0 && s.isWord($0, "ON") }),
              let table = s.name(at: s.skip(["ONLY"], from: on + 1)) else { return [] }
        if createdTables.contains(where: { Self.sameTable($0, table.parts) }) { return [] }
        return [(.createIndexWithoutConcurrently,
                 "CREATE INDEX on existing table \(display(table.parts)) without CONCURRENTLY blocks writes to it while the index builds; "
                    + "use CREATE INDEX CONCURRENTLY in a -- lifeboat:no-transaction migration")]
    }

    private func checkAlterTable(_ s: SQLStatement, verb: Int) -> [(LintRule, String)] {
        guard let table = s.alteredTable(verb: verb) else { return [] }
        let tableName = display(table.parts)
        var result: [(LintRule, String)] = []
        for action in s.actions(from: table.actions) {
            let a = action.lowerBound
            if s.isWord(a, "DROP") {
                guard !s.isWord(a + 1, "CONSTRAINT") else { continue }
                let column = s.name(at: s.skip(["IF", "EXISTS"], from: s.skip(["COLUMN"], from: a + 1)))
                result.append((.dropColumn, "ALTER TABLE \(tableName) DROP COLUMN \(display(column?.parts)) deletes the column and its data"))
            } else if s.isWord(a, "RENAME") {
                if s.isWord(a + 1, "TO") {
                    let target = s.name(at: a + 2)
                    result.append((.renameTable, "renaming table \(tableName) to \(display(target?.parts)) breaks code that still uses the old name"))
                } else if !s.isWord(a + 1, "CONSTRAINT") {
                    let column = s.name(at: s.skip(["COLUMN"], from: a + 1))
                    result.append((.renameColumn, "renaming column \(display(column?.parts)) of \(tableName) breaks code that still uses the old name"))
                }
            } else if s.isWord(a, "ALTER") {
                guard !s.isWord(a + 1, "CONSTRAINT"), let column = s.name(at: s.skip(["COLUMN"], from: a + 1)) else { continue }
                let after = column.next
                if s.isWord(after, "TYPE") || (s.isWord(after, "SET") && s.isWord(after + 1, "DATA") && s.isWord(after + 2, "TYPE")) {
                    result.append((.alterColumnType, "changing the type of \(tableName).\(display(column.parts)) rewrites the table under an exclusive lock and may fail or lose data in the conversion"))
                }
            } else if s.isWord(a, "ADD"), engine == .postgres {
                var c = s.skip(["COLUMN"], from: a + 1)
                c = s.skip(["IF", "NOT", "EXISTS"], from: c)
                let constraints: Set<String> = ["CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "EXCLUDE"]
                guard c < action.upperBound, !(s.tokens[c].kind == .word && constraints.contains(s.tokens[c].text)) else { continue }
                let words = action.filter { s.tokens[$0].depth == 0 && s.tokens[$0].kind == .word }.map { s.tokens[$0].text }
                let notNull = zip(words, words.dropFirst()).contains { $0 == "NOT" && $1 == "NULL" }
                let hasValue = words.contains("DEFAULT") || words.contains("GENERATED")
                    || (c + 1 < action.upperBound && ["SERIAL", "BIGSERIAL", "SMALLSERIAL", "SERIAL2", "SERIAL4", "SERIAL8"].contains(s.tokens[c + 1].text))
                if notNull && !hasValue {
                    let column = s.name(at: c)
                    result.append((.addColumnNotNullWithoutDefault, "ADD COLUMN \(display(column.map { [$0.parts.last ?? ""] })) NOT NULL without a DEFAULT fails when \(tableName) has rows; add a DEFAULT, or add the column nullable, backfill, then SET NOT NULL"))
                }
            }
        }
        return result
    }

    /// Qualified names match exactly; when either side is unqualified, the last parts match.
    static func sameTable(_ a: [String], _ b: [String]) -> Bool {
        if a.count > 1 && b.count > 1 { return a == b }
        return a.last == b.last
    }

    func display(_ parts: [String]?) -> String {
        guard let parts, !parts.isEmpty else { return "?" }
        return parts.joined(separator: ".")
    }
}
