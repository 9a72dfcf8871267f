import Foundation
import Testing
@testable import LifeboatKit

@Suite("Lint")
struct LintTests {
    private func findings(_ sql: String, engine: DatabaseURL.Engine = .postgres, firstLine: Int = 1) -> [LintFinding] {
        Lint(engine: engine).findings(in: SQLScript(sql, file: "m/0002_x.sql", firstLine: firstLine))
    }

    private func rules(_ sql: String, engine: DatabaseURL.Engine = .postgres) -> [String] {
        findings(sql, engine: engine).map(\.rule)
    }

    // MARK: - Each rule fires

    @Test func dropTable() {
        let found = findings("SELECT 1;\n\nDROP TABLE IF EXISTS app.users;", firstLine: 4)
        #expect(found == [LintFinding(file: "m/0002_x.sql", line: 6, rule: "drop-table",
                                      message: "DROP TABLE app.users deletes the table and every row in it")])
    }

    @Test func dropColumn() {
        #expect(rules("ALTER TABLE users DROP COLUMN email;", engine: .sqlite) == ["drop-column"])
        #expect(rules("ALTER TABLE users DROP email;") == ["drop-column"])
        #expect(rules("ALTER TABLE users DROP CONSTRAINT users_email_key;").isEmpty)
        #expect(rules("ALTER TABLE users ALTER COLUMN email DROP NOT NULL, ALTER COLUMN email DROP DEFAULT;").isEmpty)
    }

    @Test func dropSchema() {
        #expect(rules("DROP SCHEMA reporting CASCADE;") == ["drop-schema"])
    }

    @Test func truncate() {
        #expect(rules("TRUNCATE TABLE sessions;") == ["truncate"])
        #expect(rules("truncate sessions, tokens;") == ["truncate"])
    }

    @Test func deleteWithoutWhere() {
        #expect(rules("DELETE FROM sessions;", engine: .sqlite) == ["delete-without-where"])
        #expect(rules("DELETE FROM sessions WHERE expires_at < now();").isEmpty)
        #expect(rules("DELETE FROM a USING (SELECT id FROM b WHERE x) AS c;") == ["delete-without-where"])
        #expect(rules("WITH gone AS (SELECT id FROM b WHERE x) DELETE FROM a;") == ["delete-without-where"])
    }

    @Test func updateWithoutWhere() {
        #expect(rules("UPDATE users SET active = true;", engine: .sqlite) == ["update-without-where"])
        #expect(rules("UPDATE users SET active = (SELECT true FROM flags WHERE name = 'x');") == ["update-without-where"])
        #expect(rules("UPDATE users SET active = true WHERE id = 1;").isEmpty)
        #expect(rules("INSERT INTO users VALUES (1) ON CONFLICT (id) DO UPDATE SET active = true;").isEmpty)
    }

    @Test func alterColumnType() {
        #expect(rules("ALTER TABLE users ALTER COLUMN age TYPE bigint;") == ["alter-column-type"])
        #expect(rules("ALTER TABLE users ALTER age SET DATA TYPE bigint USING age::bigint;") == ["alter-column-type"])
        #expect(rules("ALTER TABLE users ALTER COLUMN age SET DEFAULT 0;").isEmpty)
    }

    @Test func renameTable() {
        #expect(rules("ALTER TABLE users RENAME TO people;", engine: .sqlite) == ["rename-table"])
    }

    @Test func renameColumn() {
        #expect(rules("ALTER TABLE users RENAME COLUMN name TO full_name;", engine: .sqlite) == ["rename-column"])
        #expect(rules("ALTER TABLE users RENAME name TO full_name;") == ["rename-column"])
        #expect(rules("ALTER TABLE users RENAME CONSTRAINT a TO b;").isEmpty)
    }

    @Test func addColumnNotNullWithoutDefaultOnPostgres() {
        #expect(rules("ALTER TABLE users ADD COLUMN tenant_id int NOT NULL;") == ["add-column-not-null-without-default"])
        #expect(rules("ALTER TABLE users ADD COLUMN tenant_id int NOT NULL DEFAULT 1;").isEmpty)
        // SPEC v2: an identity column is a volatile default (add-column-volatile-default), but not this rule.
        #expect(!rules("ALTER TABLE users ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY NOT NULL;").contains("add-column-not-null-without-default"))
        #expect(rules("ALTER TABLE users ADD COLUMN note text CHECK (note IS NOT NULL);").isEmpty)
        #expect(rules("ALTER TABLE users ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT VALID;").isEmpty)
        #expect(rules("ALTER TABLE users ADD COLUMN tenant_id int NOT NULL;", engine: .sqlite).isEmpty)
    }

    @Test func createIndexWithoutConcurrentlyOnAnExistingTable() {
        #expect(rules("CREATE INDEX users_email ON users (email);") == ["create-index-without-concurrently"])
        #expect(rules("CREATE UNIQUE INDEX IF NOT EXISTS users_email ON ONLY public.users (email);") == ["create-index-without-concurrently"])
        #expect(rules("CREATE INDEX CONCURRENTLY users_email ON users (email);").isEmpty)
        #expect(rules("CREATE INDEX users_email ON users (email);", engine: .sqlite).isEmpty)
    }

    @Test func createIndexOnATableCreatedInTheSameMigrationIsFine() {
        #expect(rules("CREATE TABLE users (id int, email text);\nCREATE INDEX users_email ON users (email);").isEmpty)
        #expect(rules(#"CREATE TABLE "Users" (id int); CREATE INDEX i ON "Users" (id);"#).isEmpty)
        #expect(rules(#"CREATE TABLE "Users" (id int); CREATE INDEX i ON users (id);"#) == ["create-index-without-concurrently"])
    }

    // MARK: - What must not fire

    @Test func commentsAndStringsNeverTrigger() {
        let sql = """
            -- DROP TABLE users;
            /* TRUNCATE users; DELETE FROM users; */
            INSERT INTO notes (body) VALUES ('DROP TABLE users; DELETE FROM users; UPDATE users SET a = 1');
            INSERT INTO notes (body) VALUES ($$ALTER TABLE users DROP COLUMN email$$);
            SELECT "DROP TABLE x" FROM notes WHERE body = E'TRUNCATE \\' users';
            """
        #expect(findings(sql).isEmpty)
        #expect(findings(sql, engine: .sqlite).isEmpty)
    }

    @Test func triggerBodiesAreNotLintedAsTopLevelStatements() {
        let sql = "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE counters SET n = n + 1; DELETE FROM queue; END;"
        #expect(findings(sql, engine: .sqlite).isEmpty)
    }

    @Test func severalFindingsInOneAlterTable() {
        let found = findings("ALTER TABLE users\n  DROP COLUMN a,\n  RENAME COLUMN b TO c;")
        #expect(found.map(\.rule) == ["drop-column", "rename-column"])
        #expect(found.allSatisfy { $0.line == 1 && $0.file == "m/0002_x.sql" })
    }

    // MARK: - Migrations and allow-destructive

    private func migration(_ text: String) throws -> Migration {
        try MigrationParser.parse(Array(text.utf8), file: "m/0002_x.sql", version: MigrationVersion("2")!, description: "x")
    }

    @Test func onlyTheUpSectionIsLinted() throws {
        let m = try migration("-- lifeboat:up\nCREATE TABLE a (id int);\n-- lifeboat:down\nDROP TABLE a;\n")
        #expect(Lint(engine: .sqlite).findings(in: m).isEmpty)
    }

    @Test func findingsCarryTheFileLine() throws {
        let m = try migration("-- lifeboat:up\nSELECT 1;\n\nDROP TABLE a;\n")
        let found = Lint(engine: .sqlite).findings(in: [m])
        #expect(found.map(\.line) == [4])
        #expect(Lint.blocking(found).count == 1)
    }

    @Test func allowDestructiveMarksFindingsAllowed() throws {
        let m = try migration("-- lifeboat:allow-destructive\n-- lifeboat:up\nDROP TABLE a;\nTRUNCATE b;\n")
        let found = Lint(engine: .postgres).findings(in: m)
        #expect(found.map(\.rule) == ["drop-table", "truncate"])
        #expect(found.allSatisfy { $0.allowed })
        #expect(Lint.blocking(found).isEmpty)
    }

    @Test func findingEncodesTheSpecKeys() throws {
        let finding = LintFinding(file: "m/0002_x.sql", line: 3, rule: "truncate", message: "TRUNCATE b deletes every row")
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(finding)) as? [String: Any]
        #expect(object?["file"] as? String == "m/0002_x.sql")
        #expect(object?["line"] as? Int == 3)
        #expect(object?["rule"] as? String == "truncate")
        #expect(object?["message"] as? String == "TRUNCATE b deletes every row")
    }

    @Test func lintErrorListsFindingsAndTheWayOut() {
        let error = LintError.destructive([LintFinding(file: "m/0002_x.sql", line: 3, rule: "truncate", message: "TRUNCATE b deletes every row")])
        #expect(error.category == .lint)
        #expect(error.description.contains("m/0002_x.sql:3: truncate"))
        #expect(error.description.contains("--allow-destructive"))
    }

    @Test func everyRuleHasATest() {
        // 11 rules of v1 and the 17 of SPEC v2, tested in LintLockRulesTests.
        #expect(LintRule.allCases.count == 28)
    }
}
