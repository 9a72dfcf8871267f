import Testing
@testable import LifeboatKit

/// The SPEC v2 rules on a migration file's contents (issue 10, items A, B, H, 6 and 3): each is an
/// error with the file and the line or byte offset, checked when the file is read, so every command
/// that reads the folder refuses it before anything runs.
@Suite("Migration file rules")
struct MigrationFileRulesTests {
    private let file = "m/0001_x.sql"

    private func parse(_ text: String) throws -> Migration {
        try parse(bytes: Array(text.utf8))
    }

    private func parse(bytes: [UInt8], downFile: (path: String, contents: [UInt8])? = nil) throws -> Migration {
        try MigrationParser.parse(bytes, file: downFile == nil ? file : "m/0001_x.up.sql",
                                  version: MigrationVersion("0001")!, description: "x", downFile: downFile)
    }

    // MARK: - A: NUL bytes

    @Test func nulByteAnywhereIsAnErrorWithItsOffset() throws {
        let bytes = Array("CREATE TABLE a (id int);\n".utf8) + [0] + Array("DROP TABLE a;\n".utf8)
        #expect(throws: CatalogError.nulByte(file: file, offset: 25)) { try parse(bytes: bytes) }
        // Also in the down section, and counted with the BOM.
        let down = [0xEF, 0xBB, 0xBF] + Array("SELECT 1;\n-- lifeboat:down\nSELECT ".utf8) + [0] + Array("2;".utf8)
        #expect(throws: CatalogError.nulByte(file: file, offset: 37)) { try parse(bytes: down) }
        let message = CatalogError.nulByte(file: file, offset: 25).description
        #expect(message.contains(file) && message.contains("offset 25"))
    }

    @Test func nulByteInAGolangMigrateDownFileNamesThatFile() throws {
        let downFile = (path: "m/0001_x.down.sql", contents: Array("DROP TABLE a;".utf8) + [0])
        #expect(throws: CatalogError.nulByte(file: "m/0001_x.down.sql", offset: 13)) {
            try parse(bytes: Array("CREATE TABLE a (id int);".utf8), downFile: downFile)
        }
    }

    // MARK: - B: transaction control

    @Test(arguments: [
        ("COMMIT;", "COMMIT"), ("commit work;", "COMMIT"), ("ROLLBACK;", "ROLLBACK"), ("BEGIN;", "BEGIN"),
        ("BEGIN IMMEDIATE TRANSACTION;", "BEGIN"), ("START TRANSACTION;", "START TRANSACTION"), ("END;", "END"),
        ("SAVEPOINT s;", "SAVEPOINT"), ("RELEASE SAVEPOINT s;", "RELEASE"), ("ROLLBACK TO SAVEPOINT s;", "ROLLBACK"),
        ("ABORT;", "ABORT"), ("PREPARE TRANSACTION 'x';", "PREPARE TRANSACTION"),
    ])
    func transactionControlInATransactionalMigrationIsAnError(_ statement: String, _ named: String) throws {
        let text = "CREATE TABLE a (id int);\n-- a comment\n  \(statement)\nCREATE TABLE b (id int);\n"
        let error = #expect(throws: CatalogError.self) { try parse(text) }
        #expect(error == .transactionControl(file: file, line: 3, statement: named))
        #expect(error?.description.contains("\(file):3") == true)
        #expect(error?.category == .validation)
    }

    @Test func transactionControlInVerifyAndDownSectionsIsAnError() throws {
        #expect(throws: CatalogError.transactionControl(file: file, line: 4, statement: "COMMIT")) {
            try parse("CREATE TABLE a (id int);\n-- lifeboat:verify\nSELECT 1;\nCOMMIT;\n")
        }
        #expect(throws: CatalogError.transactionControl(file: file, line: 3, statement: "BEGIN")) {
            try parse("CREATE TABLE a (id int);\n-- lifeboat:down\nBEGIN;\nDROP TABLE a;\n")
        }
    }

    @Test func bodiesStringsAndCommentsDoNotCount() throws {
        let m = try parse("""
            CREATE TABLE a (id int, n int);
            CREATE TRIGGER a_touch AFTER INSERT ON a BEGIN
              UPDATE a SET n = CASE WHEN n IS NULL THEN 0 ELSE n END WHERE id = new.id;
            END;
            CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;
            DO $$ BEGIN COMMIT; END $$;
            INSERT INTO notes VALUES ('COMMIT;');
            -- COMMIT;
            /* ROLLBACK; */
            SELECT 1 AS "begin";
            """)
        #expect(m.up.statements.count == 6)
    }

    @Test func aNoTransactionMigrationMayControlItsOwnTransactions() throws {
        let m = try parse("-- lifeboat:no-transaction\nBEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n")
        #expect(m.noTransaction)
        let downOnly = try parse("CREATE TABLE a (id int);\n-- migrate:down transaction:false\nBEGIN;\nDROP TABLE a;\nCOMMIT;\n")
        #expect(downOnly.downNoTransaction && !downOnly.noTransaction)
    }

    // MARK: - H: unterminated text, empty statements, late options

    @Test(arguments: [
        ("SELECT 1;\n/* never closed\nDROP TABLE a;\n", 2, "/* comment"),
        ("SELECT 1;\nINSERT INTO a VALUES ('open;\nDROP TABLE a;\n", 2, "string literal"),
        ("SELECT 1;\nCREATE FUNCTION f() RETURNS int AS $body$ SELECT 1;\n", 2, "dollar-quoted string"),
        ("SELECT 1;\nSELECT \"open FROM a;\n", 2, "quoted identifier"),
        ("SELECT 1;\n/* outer /* inner */ still open\n", 2, "/* comment"),
    ])
    func unterminatedCommentOrStringIsAnErrorWithItsLine(_ text: String, _ line: Int, _ what: String) throws {
        let error = #expect(throws: CatalogError.self) { try parse(text) }
        #expect(error == .unterminated(file: file, line: line, what: what))
        #expect(error?.description.contains("\(file):\(line)") == true)
    }

    @Test func unterminatedCommentInTheDownSectionNamesItsFileLine() throws {
        #expect(throws: CatalogError.unterminated(file: file, line: 4, what: "/* comment")) {
            try parse("CREATE TABLE a (id int);\n-- lifeboat:down\nDROP TABLE a;\n/* unfinished\n")
        }
    }

    @Test func closedNestedCommentsAreFine() throws {
        let m = try parse("/* a /* nested */ comment */\nSELECT 1;\n")
        #expect(m.up.statements.count == 1)
    }

    @Test(arguments: [";;;;", ";\n;\n", "-- nothing\n;;\n", "-- lifeboat:up\n ; ;\n-- lifeboat:down\n"])
    func upSectionOfOnlyEmptyStatementsIsAnError(_ text: String) throws {
        let error = #expect(throws: CatalogError.self) { try parse(text) }
        guard case .onlyEmptyStatements(let named, _)? = error else {
            Issue.record("expected onlyEmptyStatements, got \(String(describing: error))")
            return
        }
        #expect(named == file)
    }

    @Test func fileOptionAfterTheFirstStatementIsAnError() throws {
        #expect(throws: CatalogError.optionAfterFirstStatement(file: file, line: 3, directive: "-- lifeboat:no-transaction")) {
            try parse("-- lifeboat:up\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- lifeboat:no-transaction\n")
        }
        #expect(throws: CatalogError.optionAfterFirstStatement(file: file, line: 4, directive: "-- lifeboat:allow-destructive")) {
            try parse("CREATE TABLE a (id int);\n-- lifeboat:down\nDROP TABLE a;\n-- lifeboat:allow-destructive\n")
        }
        // Before the first statement, also after comments and section directives, it is fine.
        let m = try parse("-- header\n/* more */\n-- lifeboat:up\n-- lifeboat:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n")
        #expect(m.noTransaction)
    }

    // MARK: - 6: an up section of only comments

    @Test func upSectionOfOnlyCommentsIsAValidNoOp() throws {
        let m = try parse("-- Integer size in SQLite is already i64, nothing to do\n-- lifeboat:down\n-- nothing either\n")
        #expect(!m.up.hasStatements)
        #expect(m.up.statements.isEmpty)
        #expect(m.checksum == MigrationChecksum.of(upSection: "-- Integer size in SQLite is already i64, nothing to do"))
        #expect(m.down?.text == "")
        let dbmate = try parse("-- migrate:up\n/* nothing to do on SQLite */\n-- migrate:down\n")
        #expect(!dbmate.up.hasStatements)
    }

    // MARK: - 3: no-transaction for the down section

    @Test func fileOptionMakesTheDownSectionNoTransactionToo() throws {
        let m = try parse("""
            -- lifeboat:no-transaction
            -- lifeboat:up
            CREATE INDEX CONCURRENTLY tasks_due_idx ON tasks (due_on);
            -- lifeboat:down
            DROP INDEX CONCURRENTLY tasks_due_idx;
            """)
        #expect(m.noTransaction && m.downNoTransaction)
    }

    @Test func dbmateTransactionFalseAppliesToItsSectionAlone() throws {
        let down = try parse("-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY i;\n")
        #expect(!down.noTransaction && down.downNoTransaction)
        let up = try parse("-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- migrate:down\nDROP TABLE a;\n")
        #expect(up.noTransaction && !up.downNoTransaction)
        let plain = try parse("CREATE TABLE a (id int);\n-- lifeboat:down\nDROP TABLE a;\n")
        #expect(!plain.noTransaction && !plain.downNoTransaction)
    }

    @Test func golangMigrateDownFileMayCarryItsOwnOption() throws {
        let up = Array("CREATE INDEX i ON t (a);\n".utf8)
        let own = try parse(bytes: up, downFile: ("m/0001_x.down.sql", Array("-- Lifeboat:No-Transaction\nDROP INDEX CONCURRENTLY i;\n".utf8)))
        #expect(!own.noTransaction && own.downNoTransaction)
        let none = try parse(bytes: up, downFile: ("m/0001_x.down.sql", Array("DROP INDEX i;\n".utf8)))
        #expect(!none.downNoTransaction)
        #expect(throws: CatalogError.sectionInDownFile(file: "m/0001_x.down.sql", line: 1, directive: "-- lifeboat:up")) {
            try parse(bytes: up, downFile: ("m/0001_x.down.sql", Array("-- lifeboat:up\nDROP INDEX i;\n".utf8)))
        }
        #expect(throws: CatalogError.optionAfterFirstStatement(file: "m/0001_x.down.sql", line: 2, directive: "-- lifeboat:no-transaction")) {
            try parse(bytes: up, downFile: ("m/0001_x.down.sql", Array("DROP INDEX i;\n-- lifeboat:no-transaction\n".utf8)))
        }
        #expect(throws: CatalogError.unknownDirective(file: "m/0001_x.down.sql", line: 1, directive: "-- lifeboat:dwon")) {
            try parse(bytes: up, downFile: ("m/0001_x.down.sql", Array("-- lifeboat:dwon\nDROP INDEX i;\n".utf8)))
        }
    }
}
