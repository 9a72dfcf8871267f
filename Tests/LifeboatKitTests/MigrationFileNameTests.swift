import Testing
@testable import LifeboatKit

@Suite("Migration file names")
struct MigrationFileNameTests {
    @Test func singleFileName() throws {
        let name = try #require(MigrationFileName("0002_add-users_2.sql"))
        #expect(name.version.text == "0002")
        #expect(name.description == "add-users_2")
        #expect(name.kind == .single)
    }

    @Test func golangMigratePair() throws {
        #expect(MigrationFileName("1_init.up.sql")?.kind == .up)
        #expect(MigrationFileName("1_init.down.sql")?.kind == .down)
        #expect(MigrationFileName("1_init.up.sql")?.description == "init")
    }

    @Test func timestampVersionIsJustALongVersion() throws {
        let name = try #require(MigrationFileName("20261121093000_add_users.sql"))
        #expect(name.version.text == "20261121093000")
    }

    @Test(arguments: ["add_users.sql", "0001.sql", "0001_.sql", "_x.sql", "00a1_x.sql", "0001_add users.sql", "0001_add.users.sql", "0001-add.sql"])
    func badNames(_ name: String) {
        #expect(MigrationFileName(name) == nil)
        #expect(MigrationFileName.isSQLFile(name))
    }

    @Test func onlySQLFilesMustMatch() {
        #expect(!MigrationFileName.isSQLFile("README.md"))
        #expect(!MigrationFileName.isSQLFile(".keep"))
        #expect(!MigrationFileName.isSQLFile(".0001_hidden.sql"))
        #expect(MigrationFileName.isSQLFile("0001_x.SQL"))
    }

    @Test func versionsCompareNumerically() throws {
        let two = try #require(MigrationVersion("2"))
        let ten = try #require(MigrationVersion("10"))
        let paddedTwo = try #require(MigrationVersion("0002"))
        #expect(two < ten)
        #expect(two == paddedTwo)
        #expect(MigrationVersion("0009")! < MigrationVersion("10")!)
    }
}
