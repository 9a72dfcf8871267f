import Testing
@testable import LifeboatCatalog
@testable import LifeboatKit

@Suite("Migration parser")
struct MigrationParserTests {
    private func parse(_ text: String, file: String = "m/0001_x.sql") throws -> Migration {
        try parse(bytes: Array(text.utf8), file: file)
    }

    private func parse(bytes: [UInt8], file: String = "m/0001_x.sql") throws -> Migration {
        try MigrationParser.parse(bytes, file: file, version: MigrationVersion("0001")!, description: "x")
    }

    // MARK: - Lifeboat files

    @Test func lifeboatSections() throws {
        let m = try parse("""
            -- lifeboat:up
            CREATE TABLE users (id INTEGER PRIMARY KEY);
            INSERT INTO users VALUES (1);

            -- lifeboat:down
            DROP TABLE users;
            -- lifeboat:verify
            SELECT count(*) = 1 FROM users;
            """)
        #expect(m.up.text == "CREATE TABLE users (id INTEGER PRIMARY KEY);\nINSERT INTO users VALUES (1);\n")
        #expect(m.up.firstLine == 2)
        #expect(m.up.file == "m/0001_x.sql")
        #expect(m.down?.text == "DROP TABLE users;")
        #expect(m.down?.firstLine == 6)
        #expect(m.verify?.text == "SELECT count(*) = 1 FROM users;")
        #expect(m.verify?.firstLine == 8)
        #expect(!m.noTransaction)
        #expect(!m.allowDestructive)
        #expect(m.file == "m/0001_x.sql")
    }

    @Test func textBeforeAnyDirectiveIsUp() throws {
        let m = try parse("CREATE TABLE a (id int);\n-- lifeboat:down\nDROP TABLE a;\n")
        #expect(m.up.text == "CREATE TABLE a (id int);")
        #expect(m.up.firstLine == 1)
        #expect(m.down?.text == "DROP TABLE a;")
    }

    @Test func fileWithoutDirectivesIsAllUpAndHasNoDown() throws {
        let m = try parse("CREATE TABLE a (id int);\n")
        #expect(m.down == nil)
        #expect(m.verify == nil)
        #expect(m.up.text == "CREATE TABLE a (id int);")
    }

    @Test func presentButEmptyDownIsANoOp() throws {
        let m = try parse("-- lifeboat:up\nCREATE TABLE a (id int);\n-- lifeboat:down\n-- nothing to undo\n")
        let down = try #require(m.down)
        #expect(down.text.isEmpty)
        #expect(!down.hasStatements)
    }

    @Test func optionsBeforeTheFirstStatement() throws {
        let m = try parse("""
            -- lifeboat:no-transaction
            -- lifeboat:allow-destructive
            -- lifeboat:up
            CREATE INDEX CONCURRENTLY i ON t (a);
            """)
        #expect(m.noTransaction)
        #expect(m.allowDestructive)
        #expect(m.up.firstLine == 4)
    }

    @Test func optionsInsideTheUpSectionStayAsCommentsAndKeepLines() throws {
        let m = try parse("-- lifeboat:up\n-- lifeboat:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n")
        #expect(m.noTransaction)
        #expect(m.up.firstLine == 2)
        #expect(m.up.text.hasPrefix("-- lifeboat:no-transaction\n"))
        #expect(m.up.line(atUTF8Offset: m.up.text.utf8.count - 2) == 3)
    }

    @Test func indentedDirectivesWithSurroundingWhitespace() throws {
        let m = try parse("  --   lifeboat:up  \t\nSELECT 1;\n\t-- lifeboat:down   \nSELECT 2;\n")
        #expect(m.up.text == "SELECT 1;")
        #expect(m.down?.text == "SELECT 2;")
    }

    @Test func directiveMidFileAfterComments() throws {
        let m = try parse("-- header comment\n/* more */\n\n-- lifeboat:up\nSELECT 1;\n")
        #expect(m.up.firstLine == 5)
        #expect(m.up.text == "SELECT 1;")
    }

    @Test func downBeforeUp() throws {
        let m = try parse("-- lifeboat:down\nDROP TABLE a;\n-- lifeboat:up\nCREATE TABLE a (id int);\n")
        #expect(m.up.text == "CREATE TABLE a (id int);")
        #expect(m.up.firstLine == 4)
        #expect(m.down?.text == "DROP TABLE a;")
    }

    // SPEC v2: a comment that starts with `lifeboat:` is a directive-looking line, never a comment.
    @Test func commentsThatStartLikeADirectiveAreAnError() throws {
        #expect(throws: CatalogError.unknownDirective(file: "m/0001_x.sql", line: 1,
                                                      directive: "-- lifeboat: this comment is not a directive")) {
            try parse("-- lifeboat: this comment is not a directive\nSELECT 1;\n")
        }
        let m = try parse("-- about lifeboat: this comment mentions it\nSELECT 1;\n")
        #expect(m.up.firstLine == 1)
        #expect(m.down == nil)
    }

    // MARK: - dbmate

    @Test func dbmateFile() throws {
        let m = try parse("-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nDROP TABLE a;\n")
        #expect(m.up.text == "CREATE TABLE a (id int);\n")
        #expect(m.up.firstLine == 2)
        #expect(m.down?.text == "DROP TABLE a;")
        #expect(!m.noTransaction)
    }

    @Test func dbmateTransactionFalseIsNoTransaction() throws {
        let m = try parse("-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- migrate:down\nDROP INDEX i;\n")
        #expect(m.noTransaction)
    }

    @Test func dbmateAndLifeboatFilesWithTheSameUpHaveTheSameChecksum() throws {
        let dbmate = try parse("-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n")
        let lifeboat = try parse("-- lifeboat:up\nCREATE TABLE a (id int);\n-- lifeboat:down\nDROP TABLE a;\n")
        #expect(dbmate.checksum == lifeboat.checksum)
    }

    // MARK: - golang-migrate

    @Test func golangMigratePairParts() throws {
        let m = try MigrationParser.parse(Array("CREATE TABLE a (id int);\n".utf8), file: "m/1_a.up.sql",
                                          version: MigrationVersion("1")!, description: "a",
                                          downFile: ("m/1_a.down.sql", Array("DROP TABLE a;\n".utf8)))
        #expect(m.down?.text == "DROP TABLE a;")
        #expect(m.down?.file == "m/1_a.down.sql")
        #expect(m.down?.firstLine == 1)
        #expect(m.checksum == MigrationChecksum.of(upSection: "CREATE TABLE a (id int);"))
    }

    // MARK: - Encodings and line ends

    @Test func crlfIsNormalisedAndLinesKept() throws {
        let m = try parse("-- lifeboat:up\r\nCREATE TABLE a (id int);\r\nINSERT INTO a VALUES (1);\r\n-- lifeboat:down\r\nDROP TABLE a;\r\n")
        #expect(!m.up.text.contains("\r"))
        #expect(m.up.firstLine == 2)
        #expect(m.down?.firstLine == 5)
        #expect(m.down?.text == "DROP TABLE a;")
        let lf = try parse("-- lifeboat:up\nCREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\n-- lifeboat:down\nDROP TABLE a;\n")
        #expect(m.checksum == lf.checksum)
    }

    @Test func bomIsStripped() throws {
        let m = try parse(bytes: [0xEF, 0xBB, 0xBF] + Array("SELECT 1;\n".utf8))
        #expect(m.up.text == "SELECT 1;")
        #expect(m.checksum == (try parse("SELECT 1;\n")).checksum)
    }

    @Test func bomBeforeADirective() throws {
        let m = try parse(bytes: [0xEF, 0xBB, 0xBF] + Array("-- lifeboat:up\nSELECT 1;\n-- lifeboat:down\n".utf8))
        #expect(m.up.text == "SELECT 1;")
        #expect(m.down?.text == "")
    }

    @Test func invalidUTF8ReportsTheOffsetOfTheFirstBadByte() throws {
        // "SELECT 'é" then a lone continuation byte at offset 11.
        let bytes: [UInt8] = Array("SELECT '".utf8) + [0xC3, 0xA9] + [0x41, 0x80] + Array("';".utf8)
        #expect(throws: CatalogError.invalidUTF8(file: "m/0001_x.sql", offset: 11)) { try parse(bytes: bytes) }
        let error = CatalogError.invalidUTF8(file: "m/0001_x.sql", offset: 11)
        #expect(error.description.contains("m/0001_x.sql"))
        #expect(error.description.contains("11"))
    }

    @Test func invalidUTF8OffsetCountsTheBOM() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF, 0x41, 0xFF]
        #expect(throws: CatalogError.invalidUTF8(file: "m/0001_x.sql", offset: 4)) { try parse(bytes: bytes) }
    }

    @Test(arguments: [
        ([0xC0, 0x80] as [UInt8], 0),         // overlong
        ([0x41, 0xED, 0xA0, 0x80], 1),        // surrogate
        ([0x41, 0x42, 0xF4, 0x90, 0x80, 0x80], 2), // above U+10FFFF
        ([0x41, 0xE2, 0x82], 1),              // truncated at the end
    ])
    func invalidSequences(_ bytes: [UInt8], _ offset: Int) {
        #expect(SourceText.firstInvalidUTF8Offset(bytes) == offset)
    }

    @Test func validMultibyteText() {
        #expect(SourceText.firstInvalidUTF8Offset(Array("héllo — 日本 🚀".utf8)) == nil)
    }

    // MARK: - Errors

    // SPEC v2: an up section of only comments is a deliberate no-op (MigrationFileRulesTests); only
    // white space is still an error.
    @Test func emptyUpSectionIsAnError() throws {
        #expect(throws: CatalogError.emptyUpSection(file: "m/0001_x.sql")) {
            try parse("-- lifeboat:up\n\n  \n-- lifeboat:down\nDROP TABLE a;\n")
        }
        #expect(throws: CatalogError.emptyUpSection(file: "m/0001_x.sql")) { try parse("") }
        #expect(throws: CatalogError.emptyUpSection(file: "m/0001_x.sql")) { try parse("-- lifeboat:down\nDROP TABLE a;\n") }
    }

    @Test func unknownDirectiveNamesFileAndLine() throws {
        let expected = CatalogError.unknownDirective(file: "m/0001_x.sql", line: 3, directive: "-- lifeboat:dwon")
        #expect(throws: expected) { try parse("-- lifeboat:up\nSELECT 1;\n-- lifeboat:dwon\nSELECT 2;\n") }
        #expect(expected.description.contains("m/0001_x.sql:3"))
    }

    @Test func secondUpSectionIsAnError() throws {
        #expect(throws: CatalogError.duplicateSection(file: "m/0001_x.sql", section: "up", line: 3)) {
            try parse("-- lifeboat:up\nSELECT 1;\n-- lifeboat:up\nSELECT 2;\n")
        }
        // SQL before an explicit up directive is a second up section as well.
        #expect(throws: CatalogError.duplicateSection(file: "m/0001_x.sql", section: "up", line: 2)) {
            try parse("SELECT 1;\n-- lifeboat:up\nSELECT 2;\n")
        }
    }

    @Test func verifyWithOnlyCommentsIsNone() throws {
        let m = try parse("SELECT 1;\n-- lifeboat:verify\n-- nothing yet\n")
        #expect(m.verify == nil)
    }
}
