import Testing
@testable import LifeboatKit

@Suite("Statement splitter")
struct StatementSplitterTests {
    private func split(_ text: String, firstLine: Int = 1) -> [SQLScript] {
        StatementSplitter.split(SQLScript(text, file: "m/0001_x.sql", firstLine: firstLine))
    }

    @Test func plainStatementsWithLinesAndFile() {
        let statements = split("CREATE TABLE a (id int);\n\nINSERT INTO a VALUES (1);\nSELECT 1", firstLine: 10)
        #expect(statements.map(\.text) == ["CREATE TABLE a (id int);", "INSERT INTO a VALUES (1);", "SELECT 1"])
        #expect(statements.map(\.firstLine) == [10, 12, 13])
        #expect(statements.allSatisfy { $0.file == "m/0001_x.sql" })
    }

    @Test func firstLineIsTheFirstNonCommentLine() {
        let statements = split("-- leading comment\n/* block\n comment */\n  SELECT 1;\n")
        #expect(statements.count == 1)
        #expect(statements[0].text == "SELECT 1;")
        #expect(statements[0].firstLine == 4)
    }

    @Test func multiLineStatementMapsEngineOffsetsToFileLines() {
        let statements = split("SELECT 1;\nINSERT INTO a\nVALUES (\n  oops);\n", firstLine: 5)
        let insert = statements[1]
        #expect(insert.firstLine == 6)
        let offset = insert.text.utf8.count - 6 // inside "oops"
        #expect(insert.line(atUTF8Offset: offset) == 8)
    }

    @Test func singleQuotedStringsWithDoubledQuotes() {
        let statements = split("INSERT INTO a VALUES ('it''s; fine');\nSELECT ';';")
        #expect(statements.map(\.text) == ["INSERT INTO a VALUES ('it''s; fine');", "SELECT ';';"])
    }

    @Test func escapeStringsWithBackslashes() {
        let statements = split(#"SELECT E'a\'; b', e'\\'; SELECT 2;"#)
        #expect(statements.map(\.text) == [#"SELECT E'a\'; b', e'\\';"#, "SELECT 2;"])
    }

    @Test func backslashIsLiteralInStandardStrings() {
        let statements = split(#"SELECT 'C:\'; SELECT 2;"#)
        #expect(statements.count == 2)
    }

    @Test func doubleQuotedIdentifiers() {
        let statements = split(#"CREATE TABLE "we;ird"" name" (id int); SELECT 1;"#)
        #expect(statements.map(\.text) == [#"CREATE TABLE "we;ird"" name" (id int);"#, "SELECT 1;"])
    }

    @Test func backquotedIdentifiers() {
        #expect(split("CREATE TABLE `a;b` (id int); SELECT 1;").count == 2)
    }

    @Test func dollarQuotes() {
        let body = """
            CREATE FUNCTION f() RETURNS int AS $$
            BEGIN
              PERFORM 1; RETURN 2;
            END;
            $$ LANGUAGE plpgsql;
            """
        let statements = split(body + "\nSELECT f();")
        #expect(statements.map(\.text) == [body, "SELECT f();"])
    }

    @Test func taggedDollarQuotesContainingOtherDollars() {
        let body = "DO $fn$ BEGIN RAISE NOTICE '$$;'; EXECUTE $x$ SELECT 1; $x$; END $fn$;"
        let statements = split(body + " SELECT $1, a$b$c FROM t;")
        #expect(statements.map(\.text) == [body, "SELECT $1, a$b$c FROM t;"])
    }

    @Test func lineCommentsHideSemicolons() {
        let statements = split("SELECT 1 -- not the end; really\n + 1;\nSELECT 2;")
        #expect(statements.map(\.text) == ["SELECT 1 -- not the end; really\n + 1;", "SELECT 2;"])
    }

    @Test func nestedBlockComments() {
        let statements = split("SELECT /* outer /* inner; */ still; comment */ 1; SELECT 2;")
        #expect(statements.map(\.text) == ["SELECT /* outer /* inner; */ still; comment */ 1;", "SELECT 2;"])
    }

    @Test func sqliteTriggerBodyIsOneStatement() {
        let trigger = """
            CREATE TRIGGER audit AFTER UPDATE ON users
            BEGIN
              INSERT INTO log VALUES (new.id, CASE WHEN new.name IS NULL THEN 'none' ELSE 'some' END);
              UPDATE users SET touched = 1 WHERE id = new.id;
            END;
            """
        let statements = split("CREATE TABLE log (id int, what text);\n" + trigger + "\nINSERT INTO log VALUES (1, 'x');")
        #expect(statements.count == 3)
        #expect(statements[1].text == trigger)
        #expect(statements[1].firstLine == 2)
        #expect(statements[2].firstLine == 7)
    }

    @Test func temporaryTriggerAndIfNotExists() {
        let trigger = "CREATE TEMP TRIGGER IF NOT EXISTS t BEFORE DELETE ON a BEGIN SELECT RAISE(ABORT, 'no'); END;"
        #expect(split(trigger + " SELECT 1;").map(\.text) == [trigger, "SELECT 1;"])
    }

    @Test func postgresTriggerWithoutBodySplitsNormally() {
        let statements = split("CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION f(); SELECT 1;")
        #expect(statements.count == 2)
    }

    @Test func beginAtomicFunctionBody() {
        let function = "CREATE FUNCTION one() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;"
        #expect(split(function + " SELECT one();").map(\.text) == [function, "SELECT one();"])
    }

    @Test func emptyStatementsAreDropped() {
        let statements = split(";;\n-- only a comment\n;\n/* c */ ;SELECT 1;;  -- trailing\n")
        #expect(statements.map(\.text) == ["SELECT 1;"])
        #expect(split("-- nothing\n\n").isEmpty)
        #expect(split("").isEmpty)
    }

    @Test func unterminatedStringRunsToTheEnd() {
        let statements = split("SELECT 'oops; SELECT 2;")
        #expect(statements.count == 1)
    }

    @Test func hasStatements() {
        #expect(!SQLScript("-- x\n/* y */\n").hasStatements)
        #expect(SQLScript("-- x\nSELECT 1").hasStatements)
    }
}
