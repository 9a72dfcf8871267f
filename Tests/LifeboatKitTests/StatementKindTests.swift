import Testing
@testable import LifeboatKit

@Suite("Statement kinds")
struct StatementKindTests {
    @Test(arguments: [
        ("CREATE TABLE a (id int)", "CREATE TABLE"),
        ("create unique index if not exists i on a (id)", "CREATE INDEX"),
        ("CREATE INDEX CONCURRENTLY i ON a (id)", "CREATE INDEX"),
        ("CREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql", "CREATE FUNCTION"),
        ("CREATE MATERIALIZED VIEW v AS SELECT 1", "CREATE MATERIALIZED VIEW"),
        ("CREATE VIRTUAL TABLE f USING fts5(x)", "CREATE VIRTUAL TABLE"),
        ("CREATE TEMP TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END", "CREATE TRIGGER"),
        ("ALTER TABLE a ADD COLUMN b int", "ALTER TABLE"),
        ("DROP INDEX i", "DROP INDEX"),
        ("INSERT INTO a VALUES (1)", "INSERT"),
        ("-- comment\nUPDATE a SET b = 1", "UPDATE"),
        ("WITH old AS (SELECT id FROM a) DELETE FROM a WHERE id IN (SELECT id FROM old)", "DELETE"),
        ("COMMENT ON TABLE a IS 'x'", "COMMENT ON"),
        ("PRAGMA foreign_keys = ON", "PRAGMA"),
        ("-- only a comment", "OTHER"),
    ])
    func kinds(_ sql: String, _ kind: String) {
        #expect(StatementKind.of(SQLScript(sql)) == kind)
    }

    @Test func kindsOfAScript() {
        let script = SQLScript("CREATE TABLE a (id int); INSERT INTO a VALUES (1); CREATE INDEX i ON a (id);")
        #expect(StatementKind.kinds(in: script) == ["CREATE TABLE", "INSERT", "CREATE INDEX"])
    }
}
