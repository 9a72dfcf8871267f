import Foundation
import Testing
@testable import LifeboatCatalog
@testable import LifeboatKit

@Suite("Migration template")
struct MigrationTemplateTests {
    @Test func emptyFolderGetsFourDigits() throws {
        let folder = try MigrationFolder()
        let path = try MigrationTemplate.create(in: folder.path, description: "add_users", timestamp: false)
        #expect(path == folder.file("0001_add_users.sql"))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("-- lifeboat:up\n"))
        #expect(text.contains("-- lifeboat:down\n"))
    }

    @Test func nextVersionKeepsTheExistingWidth() throws {
        let folder = try MigrationFolder()
        try folder.write("000009_a.sql", "SELECT 1;")
        try folder.write("2_b.sql", "SELECT 1;")
        let path = try MigrationTemplate.create(in: folder.path, description: "c", timestamp: false)
        #expect(path == folder.file("000010_c.sql"))
    }

    @Test func highestIsNumericNotByName() throws {
        let folder = try MigrationFolder()
        try folder.write("9_a.sql", "SELECT 1;")
        try folder.write("10_b.sql", "SELECT 1;")
        let path = try MigrationTemplate.create(in: folder.path, description: "c", timestamp: false)
        #expect(path == folder.file("11_c.sql"))
    }

    @Test func widthGrowsWhenNeeded() throws {
        let folder = try MigrationFolder()
        try folder.write("9999_a.sql", "SELECT 1;")
        #expect(try MigrationTemplate.create(in: folder.path, description: "b", timestamp: false) == folder.file("10000_b.sql"))
    }

    @Test func timestampIsFourteenDigitsUTC() throws {
        let folder = try MigrationFolder()
        try folder.write("0003_a.sql", "SELECT 1;")
        let now = Date(timeIntervalSince1970: 1_795_253_400) // 2026-11-21T09:30:00Z
        let path = try MigrationTemplate.create(in: folder.path, description: "add_users", timestamp: true, now: now)
        #expect(path == folder.file("20261121093000_add_users.sql"))
    }

    @Test func timestampNotAboveHighestBecomesHighestPlusOne() throws {
        let folder = try MigrationFolder()
        try folder.write("20261121093000_a.sql", "SELECT 1;")
        let now = Date(timeIntervalSince1970: 1_795_253_400)
        let path = try MigrationTemplate.create(in: folder.path, description: "b", timestamp: true, now: now)
        #expect(path == folder.file("20261121093001_b.sql"))
    }

    @Test func badDescriptionIsRejectedNamingIt() throws {
        let folder = try MigrationFolder()
        let error = #expect(throws: ConfigurationError.self) {
            try MigrationTemplate.create(in: folder.path, description: "add users!", timestamp: false)
        }
        #expect(error?.description.contains("add users!") == true)
        #expect(try folder.names().isEmpty)
    }

    @Test func refusesToOverwrite() throws {
        let folder = try MigrationFolder()
        let existing = try folder.write("0001_x.sql", "keep me")
        let error = #expect(throws: CatalogError.self) { try MigrationTemplate.writeNewFile("new", to: existing) }
        #expect(error == .fileExists(file: existing))
        #expect(error?.description.contains("0001_x.sql") == true)
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me")
    }

    @Test func createdFileLoadsOnceTheUpSectionIsWritten() throws {
        let folder = try MigrationFolder()
        let path = try MigrationTemplate.create(in: folder.path, description: "add_users", timestamp: false)
        // The template's up section is empty until the user writes it.
        #expect(throws: CatalogError.emptyUpSection(file: path)) { try MigrationCatalog.load(from: folder.path) }
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "-- lifeboat:up\n", with: "-- lifeboat:up\nCREATE TABLE users (id int);\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let migration = try #require(try MigrationCatalog.load(from: folder.path).migrations.first)
        #expect(migration.up.text.hasPrefix("CREATE TABLE users (id int);"))
        #expect(migration.down?.text == "")
    }
}
