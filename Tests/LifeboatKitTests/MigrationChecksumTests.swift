import Crypto
import Foundation
import Testing
@testable import LifeboatKit

@Suite("Migration checksums")
struct MigrationChecksumTests {
    private func parse(_ text: String) throws -> Migration {
        try MigrationParser.parse(Array(text.utf8), file: "0001_x.sql", version: MigrationVersion("1")!, description: "x")
    }

    @Test func isSHA256OfTheNormalisedUpSectionInLowerCaseHex() throws {
        let m = try parse("-- lifeboat:up\nCREATE TABLE a (id int);\n\n-- lifeboat:down\nDROP TABLE a;\n")
        let expected = SHA256.hash(data: Data("CREATE TABLE a (id int);".utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(m.checksum == expected)
        #expect(m.checksum.count == 64)
    }

    @Test func editingDownOrVerifyIsNotDrift() throws {
        let original = try parse("-- lifeboat:up\nCREATE TABLE a (id int);\n-- lifeboat:down\nDROP TABLE a;\n-- lifeboat:verify\nSELECT 1;\n")
        let edited = try parse("-- lifeboat:up\nCREATE TABLE a (id int);\n-- lifeboat:down\nDROP TABLE IF EXISTS a;\n-- lifeboat:verify\nSELECT 2 > 1;\n")
        #expect(original.checksum == edited.checksum)
    }

    @Test func editingUpIsDrift() throws {
        let original = try parse("CREATE TABLE a (id int);\n")
        let edited = try parse("CREATE TABLE a (id bigint);\n")
        #expect(original.checksum != edited.checksum)
    }

    @Test func trailingWhitespaceAndBlankLinesDoNotChangeIt() throws {
        let plain = try parse("CREATE TABLE a (id int);")
        #expect(try parse("CREATE TABLE a (id int);   \n\n\t\n").checksum == plain.checksum)
        #expect(try parse("-- lifeboat:up\nCREATE TABLE a (id int);\n\n\n-- lifeboat:down\n").checksum == plain.checksum)
    }

    @Test func crlfAndLFGiveTheSameChecksum() throws {
        let lf = try parse("CREATE TABLE a (\n  id int\n);\n")
        let crlf = try parse("CREATE TABLE a (\r\n  id int\r\n);\r\n")
        #expect(lf.checksum == crlf.checksum)
    }

    @Test func bomDoesNotChangeIt() throws {
        let plain = try parse("SELECT 1;")
        let withBOM = try MigrationParser.parse([0xEF, 0xBB, 0xBF] + Array("SELECT 1;".utf8), file: "0001_x.sql",
                                                version: MigrationVersion("1")!, description: "x")
        #expect(plain.checksum == withBOM.checksum)
    }

    @Test func directiveLinesAreLeftOut() throws {
        let plain = try parse("-- lifeboat:up\nCREATE INDEX i ON t (a);\n")
        let withOption = try parse("-- lifeboat:up\n-- lifeboat:no-transaction\nCREATE INDEX i ON t (a);\n")
        let dbmate = try parse("-- migrate:up transaction:false\nCREATE INDEX i ON t (a);\n")
        let implicit = try parse("CREATE INDEX i ON t (a);\n")
        #expect(plain.checksum == withOption.checksum)
        #expect(plain.checksum == dbmate.checksum)
        #expect(plain.checksum == implicit.checksum)
    }

    @Test func ordinaryCommentsInUpCount() throws {
        #expect(try parse("-- a\nSELECT 1;").checksum != (try parse("-- b\nSELECT 1;")).checksum)
    }

    @Test func textHelperMatchesTheParser() throws {
        let m = try parse("-- lifeboat:up\r\nSELECT 1;\r\n\r\n")
        #expect(MigrationChecksum.of(upSection: "-- lifeboat:up\r\nSELECT 1;\r\n\r\n") == m.checksum)
    }
}
