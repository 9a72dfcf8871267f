import Testing
@testable import LifeboatKit

/// Directives are matched in any letter case, and a directive-looking line that is not a known
/// directive, or a section started twice, is an error naming the file, the line and the known
/// directives (issue 10, item 1): a mis-cased down directive must never leave the down section
/// inside the up section.
@Suite("Directives in any letter case")
struct DirectiveLetterCaseTests {
    private func parse(_ text: String) throws -> Migration {
        try MigrationParser.parse(Array(text.utf8), file: "m/0001_x.sql", version: MigrationVersion("0001")!, description: "x")
    }

    @Test(arguments: ["-- Lifeboat:Down", "-- LIFEBOAT:DOWN", "--lifeboat:down", "  -- Migrate:Down  "])
    func misCasedDownDirectiveStartsTheDownSection(_ directive: String) throws {
        let m = try parse("CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n\(directive)\nDROP TABLE t;\n")
        #expect(m.up.text == "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);")
        #expect(!m.up.text.contains("DROP"))
        #expect(m.down?.text == "DROP TABLE t;")
        #expect(m.down?.firstLine == 4)
    }

    @Test func optionsAndTransactionFalseInAnyCase() throws {
        let m = try parse("-- LifeBoat:No-Transaction\n-- LIFEBOAT:ALLOW-DESTRUCTIVE\nCREATE INDEX CONCURRENTLY i ON t (a);\n")
        #expect(m.noTransaction)
        #expect(m.allowDestructive)
        let dbmate = try parse("-- Migrate:Up Transaction:False\nCREATE INDEX CONCURRENTLY i ON t (a);\n")
        #expect(dbmate.noTransaction)
    }

    @Test func misCasedDirectiveLeavesTheChecksumOfTheSameUp() throws {
        let lower = try parse("-- lifeboat:up\nSELECT 1;\n-- lifeboat:down\nSELECT 2;\n")
        let upper = try parse("-- LIFEBOAT:UP\nSELECT 1;\n-- Lifeboat:Down\nSELECT 2;\n")
        #expect(lower.checksum == upper.checksum)
    }

    @Test(arguments: [
        ("-- lifeboat:upp", 2), ("-- lifeboat:rollback", 2), ("-- migrate:dwon", 2), ("-- Lifeboat:Verfy", 2),
        ("-- lifeboat:", 2), ("-- lifeboat: down", 2), ("-- lifeboat:down please", 2), ("-- migrate:verify", 2),
        ("-- lifeboat:verify transaction:false", 2),
    ])
    func unknownDirectiveIsAnErrorWithFileLineAndTheKnownDirectives(_ directive: String, _ line: Int) throws {
        let error = #expect(throws: CatalogError.self) { try parse("SELECT 1;\n\(directive)\nSELECT 2;\n") }
        #expect(error == .unknownDirective(file: "m/0001_x.sql", line: line, directive: directive))
        let message = error?.description ?? ""
        #expect(message.contains("m/0001_x.sql:\(line)"))
        for known in ["-- lifeboat:up", "-- lifeboat:down", "-- lifeboat:verify", "-- lifeboat:no-transaction",
                      "-- lifeboat:allow-destructive", "-- migrate:up", "-- migrate:down"] {
            #expect(message.contains(known), "\(message)")
        }
        #expect(error?.category == .validation)
    }

    @Test func lifeboatDownAndMigrateDownAreTheSameSection() throws {
        #expect(throws: CatalogError.duplicateSection(file: "m/0001_x.sql", section: "down", line: 5)) {
            try parse("-- lifeboat:up\nSELECT 1;\n-- lifeboat:down\nSELECT 2;\n-- MIGRATE:DOWN\nSELECT 3;\n")
        }
        #expect(throws: CatalogError.duplicateSection(file: "m/0001_x.sql", section: "up", line: 3)) {
            try parse("-- migrate:up\nSELECT 1;\n-- Lifeboat:Up\nSELECT 2;\n")
        }
    }

    @Test func aLongUnknownDirectiveIsQuotedShort() throws {
        let directive = "-- lifeboat:" + String(repeating: "x", count: 200)
        let error = #expect(throws: CatalogError.self) { try parse("SELECT 1;\n\(directive)\n") }
        let message = error?.description ?? ""
        #expect(!message.contains(String(repeating: "x", count: 61)))
        #expect(message.contains("m/0001_x.sql:2"))
    }
}
