import Foundation
import Testing
@testable import LifeboatKit

/// SPEC "Lint" (v2) on PostgreSQL: the rules for long locks and table rewrites. For each rule: it
/// fires with a message that gives the reason and the safe way; the same text in a comment, a string
/// or a dollar-quoted body does not; a table created earlier in the run is not an existing table;
/// `-- lifeboat:allow-destructive` allows it.
@Suite("Lint: long locks and rewrites")
struct LintLockRulesTests {
    /// One statement per rule, each on the existing table `users` (or an existing object).
    static let cases: [(sql: String, rule: String)] = [
        ("ALTER TABLE users ADD CONSTRAINT users_org FOREIGN KEY (org_id) REFERENCES orgs (id);", "constraint-without-not-valid"),
        ("ALTER TABLE users ADD CHECK (age > 0);", "constraint-without-not-valid"),
        ("ALTER TABLE users ALTER COLUMN email SET NOT NULL;", "set-not-null"),
        ("ALTER TABLE users ADD CONSTRAINT users_email UNIQUE (email);", "constraint-without-using-index"),
        ("ALTER TABLE users ADD PRIMARY KEY (id);", "constraint-without-using-index"),
        ("ALTER TABLE users ADD EXCLUDE USING gist (span WITH &&);", "constraint-without-using-index"),
        ("ALTER TABLE users ADD COLUMN handle text UNIQUE;", "constraint-without-using-index"),
        ("ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();", "add-column-volatile-default"),
        ("ALTER TABLE users ADD COLUMN seen_at timestamptz NOT NULL DEFAULT clock_timestamp();", "add-column-volatile-default"),
        ("ALTER TABLE users ADD COLUMN n bigserial;", "add-column-volatile-default"),
        ("ALTER TABLE users ADD COLUMN lower_email text GENERATED ALWAYS AS (lower(email)) STORED;", "add-column-stored-generated"),
        ("DROP INDEX IF EXISTS users_email;", "drop-index-without-concurrently"),
        ("REINDEX TABLE users;", "reindex-without-concurrently"),
        ("ALTER TABLE events DETACH PARTITION events_2020;", "detach-partition-without-concurrently"),
        ("VACUUM (FULL, ANALYZE) users;", "vacuum-full"),
        ("CLUSTER users USING users_pkey;", "cluster"),
        ("ALTER TABLE users SET TABLESPACE fast;", "set-tablespace"),
        ("ALTER TABLE users SET UNLOGGED;", "set-logged"),
        ("DROP DATABASE IF EXISTS old_app;", "drop-database"),
        ("ALTER VIEW active_users RENAME TO current_users;", "rename-object"),
        ("ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';", "rename-enum-value"),
    ]

    private func rules(_ sql: String, engine: DatabaseURL.Engine = .postgres) -> [String] {
        Lint(engine: engine).findings(in: SQLScript(sql, file: "m/0002_x.sql", firstLine: 1)).map(\.rule)
    }

    private func migration(_ version: String, _ sql: String, allowDestructive: Bool = false) -> Migration {
        Migration(version: MigrationVersion(version)!, description: "m", file: "m/\(version)_m.sql",
                  up: SQLScript(sql, file: "m/\(version)_m.sql", firstLine: 1), down: nil, verify: nil,
                  checksum: "", noTransaction: false, allowDestructive: allowDestructive)
    }

    @Test(arguments: cases)
    func firesWithTheReasonAndTheSafeWay(_ sql: String, _ rule: String) throws {
        let found = Lint(engine: .postgres).findings(in: SQLScript("SELECT 1;\n" + sql, file: "m/0002_x.sql", firstLine: 1))
        let finding = try #require(found.first { $0.rule == rule }, "\(sql) → \(found.map(\.rule))")
        #expect(finding.line == 2)
        let lintRule = try #require(LintRule(rawValue: rule))
        #expect(finding.message.contains(lintRule.reason) && finding.message.contains("safe way: " + lintRule.safeWay))
        #expect(rules(sql, engine: .sqlite).allSatisfy { !LintLockRulesTests.cases.map(\.rule).contains($0) }, "PostgreSQL only")
    }

    @Test(arguments: cases)
    func doesNotFireInACommentAStringOrADollarQuotedBody(_ sql: String, _ rule: String) {
        let text = """
            -- \(sql)
            /* \(sql) */
            INSERT INTO notes (body) VALUES ('\(sql.replacingOccurrences(of: "'", with: "''"))');
            CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $body$ BEGIN EXECUTE $q$\(sql)$q$; END $body$;
            """
        #expect(!rules(text).contains(rule), "\(sql)")
    }

    @Test(arguments: cases)
    func isAllowedByTheDirective(_ sql: String, _ rule: String) {
        let found = Lint(engine: .postgres).findings(in: [migration("0002", sql, allowDestructive: true)])
        #expect(found.contains { $0.rule == rule })
        #expect(Lint.blocking(found).isEmpty)
    }

    /// The rules about an existing table do not fire on one created earlier in the run, in the
    /// same migration or an earlier one.
    @Test(arguments: [
        "ALTER TABLE users ADD CONSTRAINT users_org FOREIGN KEY (org_id) REFERENCES orgs (id);",
        "ALTER TABLE users ADD CHECK (age > 0);",
        "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
        "ALTER TABLE users ADD CONSTRAINT users_email UNIQUE (email);",
        "ALTER TABLE users ADD PRIMARY KEY (id);",
        "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();",
        "ALTER TABLE users ADD COLUMN lower_email text GENERATED ALWAYS AS (lower(email)) STORED;",
        "ALTER TABLE users SET UNLOGGED;",
        "ALTER TABLE users SET TABLESPACE fast;",
        "ALTER TABLE users DETACH PARTITION users_old;",
        "ALTER TABLE users ADD COLUMN handle text UNIQUE;",
    ])
    func doesNotFireOnATableCreatedEarlierInTheRun(_ sql: String) {
        let create = "CREATE TABLE users (id int, email text, age int, org_id int);"
        #expect(rules(create + "\n" + sql).isEmpty, "\(sql)")
        let run = Lint(engine: .postgres).findings(in: [migration("0002", create), migration("0003", sql)])
        #expect(run.isEmpty, "\(sql): \(run.map(\.rule))")
        #expect(!Lint(engine: .postgres).findings(in: [migration("0003", sql)]).isEmpty, "existing without the CREATE")
    }

    @Test func dropIndexOfAnIndexCreatedEarlierInTheRunDoesNotFire() {
        let run = Lint(engine: .postgres).findings(in: [
            migration("0002", "CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);"), migration("0003", "DROP INDEX t_a;"),
        ])
        #expect(run.isEmpty)
    }

    @Test func theSafeFormsDoNotFire() {
        for sql in [
            "ALTER TABLE users ADD CONSTRAINT users_org FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;",
            "ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;",
            "ALTER TABLE users VALIDATE CONSTRAINT c;",
            "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
            "ALTER TABLE users ADD CONSTRAINT users_email UNIQUE USING INDEX users_email_idx;",
            "ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx;",
            "ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();",
            "ALTER TABLE users ADD COLUMN flag boolean DEFAULT false;",
            "ALTER TABLE users ADD COLUMN lower_email text GENERATED ALWAYS AS (lower(email)) VIRTUAL;",
            "DROP INDEX CONCURRENTLY users_email;",
            "REINDEX INDEX CONCURRENTLY users_email;",
            "ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY;",
            "ALTER TABLE events DETACH PARTITION events_2020 FINALIZE;",
            "VACUUM (ANALYZE) users;",
            "TRUNCATE sessions;",
            "ALTER INDEX users_email RENAME TO users_email_idx;",
            "ALTER TYPE mood ADD VALUE 'meh';",
        ] {
            let found = rules(sql).filter { $0 != "truncate" }
            #expect(found.isEmpty, "\(sql): \(found)")
        }
    }

    @Test func validateInTheSameMigrationAsItsNotValid() {
        let sql = "ALTER TABLE users ADD CONSTRAINT users_org FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;\n"
            + "ALTER TABLE users VALIDATE CONSTRAINT users_org;"
        #expect(rules(sql) == ["validate-in-same-migration"])
        let split = Lint(engine: .postgres).findings(in: [
            migration("0002", "ALTER TABLE users ADD CONSTRAINT users_org FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;"),
            migration("0003", "ALTER TABLE users VALIDATE CONSTRAINT users_org;"),
        ])
        #expect(split.isEmpty, "a later migration is the safe way")
    }

    @Test func truncateCascadeAndTheOtherRenames() {
        #expect(rules("TRUNCATE orders CASCADE;") == ["truncate", "truncate-cascade"])
        #expect(rules("ALTER SCHEMA app RENAME TO core;") == ["rename-object"])
        #expect(rules("ALTER SEQUENCE n RENAME TO m;") == ["rename-object"])
        #expect(rules("ALTER TYPE mood RENAME TO feeling;") == ["rename-object"])
        #expect(rules("ALTER MATERIALIZED VIEW totals RENAME TO sums;") == ["rename-object"])
        #expect(rules("ALTER INDEX users_email SET TABLESPACE fast;") == ["set-tablespace"])
        #expect(rules("VACUUM FULL users;") == ["vacuum-full"])
    }

    /// docs/lint.md is the reviewer's list: every rule is in it, named as the findings name it.
    @Test func docsListEveryRule() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/lint.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for rule in LintRule.allCases {
            #expect(text.contains("`\(rule.rawValue)`"), "\(rule.rawValue) is missing from docs/lint.md")
        }
    }
}
