import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

@Suite("Running SQL", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresExecuteTests {
    @Test("a multi-statement script runs whole, with quotes, dollar quotes and comments")
    func multiStatement() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            try engine.execute(SQLScript("""
                CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL);
                -- a comment; with a semicolon
                INSERT INTO notes (body) VALUES ('it''s; fine'), (E'tab\\there');
                /* block; /* nested; */ comment */
                CREATE FUNCTION shout(t text) RETURNS text LANGUAGE plpgsql AS $$
                BEGIN
                    RETURN upper(t) || ';';
                END;
                $$;
                INSERT INTO notes (body) VALUES (shout('hi'))
                """))
            #expect(try engine.rows("SELECT body FROM notes ORDER BY id") == [["it's; fine"], ["tab\there"], ["HI;"]])
        }
    }

    @Test("a script with a NUL byte is refused before anything is sent, not cut at the NUL")
    func nulByte() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            let error = #expect(throws: EngineError.self) {
                try engine.execute(SQLScript("CREATE TABLE before_nul (id int);\n\u{0}CREATE TABLE after_nul (id int);", file: "m/0001_x.sql"))
            }
            #expect(error?.description.contains("m/0001_x.sql:2") == true, "\(String(describing: error))")
            #expect(try engine.value("SELECT to_regclass('before_nul') IS NULL") == "t")
        }
    }

    @Test("a syntax error on line 7 of a file whose section starts at line 3 is reported at line 7")
    func syntaxErrorLine() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            let script = SQLScript("""
                CREATE TABLE a (id int);
                -- café ☕ — multi-byte characters before the error
                INSERT INTO a VALUES (1);

                INSERT INTO a
                SELEC 2;
                """, file: "migrations/0002_add_a.sql", firstLine: 2)
            // Line 2 + 5 = line 7 holds "SELEC 2;".
            try engine.begin()
            let error = try #require(throws: EngineError.self) { try engine.execute(script) }
            try engine.rollback()
            guard case .statementFailed(let message, let file, let line, let statement, _) = error else {
                Issue.record("expected statementFailed, got \(error)")
                return
            }
            #expect(file == "migrations/0002_add_a.sql")
            #expect(line == 7)
            #expect(message.contains("syntax error"))
            #expect(statement?.contains("SELEC 2") == true)
            #expect(statement?.contains("INSERT INTO a VALUES (1)") == false)
            #expect(error.description.contains("migrations/0002_add_a.sql:7"))
        }
    }

    @Test("an error without a position points at the first line of the failing statement")
    func runtimeErrorLine() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            let script = SQLScript("""
                CREATE TABLE b (id int PRIMARY KEY);
                INSERT INTO b VALUES (1);

                -- the next statement divides by zero
                INSERT INTO b
                VALUES (1 / 0);
                INSERT INTO b VALUES (3);
                """, file: "m.sql", firstLine: 3)
            let error = try #require(throws: EngineError.self) { try engine.execute(script) }
            guard case .statementFailed(let message, _, let line, let statement, _) = error else {
                Issue.record("expected statementFailed, got \(error)")
                return
            }
            #expect(message.contains("division by zero"))
            #expect(line == 7)
            #expect(statement?.hasPrefix("INSERT INTO b\nVALUES (1 / 0)") == true)
            // Outside a transaction the whole script was one implicit transaction: nothing stayed.
            #expect(try engine.value("SELECT to_regclass('b') IS NULL") == "t")
        }
    }

    @Test("a constraint violation after a BEGIN ATOMIC function is blamed on the INSERT and its line")
    func beginAtomicThenConstraintViolation() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            let script = SQLScript("""
                CREATE TABLE c (id int PRIMARY KEY);
                CREATE FUNCTION two() RETURNS int LANGUAGE sql
                BEGIN ATOMIC
                  SELECT 1;
                  SELECT CASE WHEN true THEN 2 END;
                END;
                INSERT INTO c VALUES (1);
                /* the next statement
                   repeats the key */
                INSERT INTO c VALUES (1);
                INSERT INTO c VALUES (2);
                """, file: "m/0003_atomic.sql", firstLine: 4)
            let error = try #require(throws: EngineError.self) { try engine.execute(script) }
            guard case .statementFailed(let message, let file, let line, let statement, _) = error else {
                Issue.record("expected statementFailed, got \(error)")
                return
            }
            #expect(message.contains("duplicate key"))
            #expect(file == "m/0003_atomic.sql")
            // Line 4 + 9: the second `INSERT INTO c VALUES (1)`.
            #expect(line == 13)
            #expect(statement == "INSERT INTO c VALUES (1)")
            #expect(error.description.contains("m/0003_atomic.sql:13"))
        }
    }

    @Test("the server's detail and hint are part of the message")
    func detailAndHint() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            try engine.execute(SQLScript("CREATE TABLE u (id int PRIMARY KEY); INSERT INTO u VALUES (1);"))
            let error = try #require(throws: EngineError.self) {
                try engine.execute(SQLScript("INSERT INTO u VALUES (1);", file: "dup.sql", firstLine: 1))
            }
            #expect(error.description.contains("duplicate key"))
            #expect(error.description.contains("DETAIL: Key (id)=(1) already exists."))
        }
    }

    @Test("NOTICEs go to the log")
    func notices() throws {
        try TestDatabase.with { database in
            let recorder = LogRecorder()
            let engine = try database.open(log: recorder.log)
            defer { engine.close() }
            try engine.execute(SQLScript("DO $$ BEGIN RAISE NOTICE 'hello from %', 'lifeboat'; END $$;"))
            #expect(recorder.lines.contains { $0.contains("NOTICE") && $0.contains("hello from lifeboat") })
        }
    }

    @Test("lock_timeout comes from the options, 0 meaning none")
    func lockTimeout() throws {
        try TestDatabase.with { database in
            let engine = try database.open(lockTimeoutMs: 300)
            defer { engine.close() }
            #expect(try engine.value("SHOW lock_timeout") == "300ms")

            let unlimited = try database.open(lockTimeoutMs: 0)
            defer { unlimited.close() }
            #expect(try unlimited.value("SHOW lock_timeout") == "0")

            // Another session holds the table: the migration statement gives up after 300 ms.
            try unlimited.execute(SQLScript("CREATE TABLE busy (id int)"))
            try unlimited.begin()
            try unlimited.execute(SQLScript("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE"))
            let started = Date()
            let error = try #require(throws: EngineError.self) {
                try engine.execute(SQLScript("ALTER TABLE busy ADD COLUMN x int"))
            }
            #expect(Date().timeIntervalSince(started) < 5)
            #expect(error.description.contains("lock timeout"))
            try unlimited.rollback()
        }
    }

    @Test("begin, commit and rollback; a failed transaction does not commit")
    func transactions() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            try engine.execute(SQLScript("CREATE TABLE t (id int PRIMARY KEY)"))
            try engine.begin()
            try engine.execute(SQLScript("INSERT INTO t VALUES (1)"))
            try engine.rollback()
            #expect(try engine.value("SELECT count(*) FROM t") == "0")

            try engine.begin()
            try engine.execute(SQLScript("INSERT INTO t VALUES (2)"))
            try engine.commit()
            #expect(try engine.value("SELECT count(*) FROM t") == "1")

            try engine.begin()
            try engine.execute(SQLScript("INSERT INTO t VALUES (3)"))
            #expect(throws: EngineError.self) { try engine.execute(SQLScript("INSERT INTO t VALUES (2)")) }
            #expect(throws: EngineError.self) { try engine.commit() }
            #expect(try engine.value("SELECT count(*) FROM t") == "1")
        }
    }

    @Test("assertions: true unless false, 0, NULL or no row; no columns count as true",
          arguments: [
              ("SELECT true", true), ("SELECT false", false), ("SELECT 1", true), ("SELECT 0", false),
              ("SELECT 0.0", false), ("SELECT NULL", false), ("SELECT 'yes'", true), ("SELECT 1 WHERE false", false),
              ("SELECT count(*) = 2 FROM pairs", true), ("SELECT count(*) FROM pairs WHERE n > 5", false),
              ("SELECT n FROM pairs ORDER BY n", true), ("CREATE TEMP TABLE ok (id int)", true), ("SELECT", true),
          ])
    func assertions(statement: String, expected: Bool) throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            try engine.execute(SQLScript("CREATE TABLE pairs (n int); INSERT INTO pairs VALUES (1), (2);"))
            #expect(try engine.evaluateAssertion(SQLScript(statement)) == expected)
        }
    }

    @Test("an assertion that errors throws statementFailed with its line")
    func assertionError() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            let error = try #require(throws: EngineError.self) {
                try engine.evaluateAssertion(SQLScript("\nSELECT count(*) FROM missing_table", file: "v.sql", firstLine: 10))
            }
            guard case .statementFailed(_, let file, let line, _, _) = error else {
                Issue.record("expected statementFailed, got \(error)")
                return
            }
            #expect(file == "v.sql")
            #expect(line == 11)
        }
    }
}
