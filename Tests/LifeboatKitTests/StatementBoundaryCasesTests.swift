import Testing
@testable import LifeboatKit

/// The cases the PostgreSQL statement scanner was tested with, before the splitter became the only
/// way statements are found (dump reader and error mapping included), plus the bodies it missed.
@Suite("Statement boundaries (one lexer)")
struct StatementBoundaryCasesTests {
    func statements(_ sql: String) -> [String] {
        StatementSplitter.split(SQLScript(sql)).map(\.text)
    }

    @Test("semicolons inside literals, identifiers, dollar quotes and comments do not end a statement")
    func hiddenSemicolons() {
        let sql = """
            SELECT 'a;b', 'it''s;';
            SELECT "we;ird""name" FROM t;
            -- comment; here
            SELECT $$ x; y $$, $fn$ a $$ ; $fn$;
            /* outer /* inner; */ still; */ SELECT E'\\';'
            ;;
            SELECT 1
            """
        #expect(statements(sql) == [
            "SELECT 'a;b', 'it''s;';",
            "SELECT \"we;ird\"\"name\" FROM t;",
            "SELECT $$ x; y $$, $fn$ a $$ ; $fn$;",
            "SELECT E'\\';'\n;",
            "SELECT 1",
        ])
    }

    @Test("parameters and identifiers with $ are not dollar quotes")
    func dollars() {
        #expect(statements("PREPARE p AS SELECT $1; SELECT a$b$ FROM t; SELECT 2") == [
            "PREPARE p AS SELECT $1;", "SELECT a$b$ FROM t;", "SELECT 2",
        ])
    }

    @Test("a script of only comments has no statements")
    func onlyComments() {
        #expect(statements("-- nothing\n/* at all */\n").isEmpty)
    }

    @Test("E'' strings: a backslash escapes the quote; a word ending in e before a quote is no escape string")
    func escapeStrings() {
        #expect(statements(#"SELECT E'\'; still', e'\\'; SELECT some'x;'; SELECT 3"#) == [
            #"SELECT E'\'; still', e'\\';"#, "SELECT some'x;';", "SELECT 3",
        ])
    }

    @Test("BEGIN ATOMIC … END with CASE … END inside is one statement, and the INSERT after it is the next")
    func beginAtomicWithCase() {
        let sql = """
            CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC
              SELECT 1;
              SELECT CASE WHEN true THEN 2 ELSE 3 END;
            END;
            INSERT INTO t VALUES (1);
            """
        let split = StatementSplitter.split(SQLScript(sql, firstLine: 3))
        #expect(split.count == 2)
        #expect(split.last?.text == "INSERT INTO t VALUES (1);")
        #expect(split.map(\.firstLine) == [3, 7])
    }

    @Test("a tagged dollar quote is closed only by the same tag")
    func taggedDollarQuote() {
        #expect(statements("SELECT $a$ $b$ ; $b$ $$ ; $a$; SELECT 2;") == ["SELECT $a$ $b$ ; $b$ $$ ; $a$;", "SELECT 2;"])
    }

    @Test("a SQLite trigger body with CASE … END is one statement")
    func sqliteTriggerWithCase() {
        let sql = """
            CREATE TRIGGER IF NOT EXISTS t AFTER INSERT ON a BEGIN
              UPDATE a SET n = CASE WHEN new.n > 0 THEN 1 END;
              INSERT INTO log VALUES ('x;');
            END;
            SELECT 1;
            """
        #expect(statements(sql).count == 2)
        #expect(statements(sql).last == "SELECT 1;")
    }
}
