import Foundation
import Testing
@testable import LifeboatKit

@Suite("Migration catalog")
struct MigrationCatalogTests {
    @Test func loadsInNumericVersionOrderAndIgnoresOtherFiles() throws {
        let folder = try MigrationFolder()
        try folder.write("10_ten.sql", "SELECT 10;")
        try folder.write("2_two.sql", "SELECT 2;")
        try folder.write("0001_one.sql", "SELECT 1;")
        try folder.write("README.md", "not a migration")
        try folder.write(".keep", "")
        try FileManager.default.createDirectory(atPath: folder.file("archive"), withIntermediateDirectories: false)
        try folder.write("archive/bad name.sql", "SELECT 1;")
        let catalog = try MigrationCatalog.load(from: folder.path)
        #expect(catalog.migrations.map(\.version.text) == ["0001", "2", "10"])
        #expect(catalog.migrations.map(\.description) == ["one", "two", "ten"])
        #expect(catalog.migrations[0].file == folder.file("0001_one.sql"))
        #expect(catalog.migration(version: "02")?.description == "two")
    }

    @Test func badSQLFileNameIsAnErrorNamingIt() throws {
        let folder = try MigrationFolder()
        try folder.write("0001_ok.sql", "SELECT 1;")
        try folder.write("add users.sql", "SELECT 2;")
        let error = #expect(throws: CatalogError.self) { try MigrationCatalog.load(from: folder.path) }
        #expect(error == .badFileName(file: folder.file("add users.sql")))
        #expect(error?.description.contains("add users.sql") == true)
        #expect(error?.category == .validation)
    }

    @Test func sameNumericVersionIsADuplicateNamingBothFiles() throws {
        let folder = try MigrationFolder()
        try folder.write("0002_a.sql", "SELECT 1;")
        try folder.write("2_b.sql", "SELECT 2;")
        let error = #expect(throws: CatalogError.self) { try MigrationCatalog.load(from: folder.path) }
        #expect(error == .duplicateVersion(version: "2", files: [folder.file("0002_a.sql"), folder.file("2_b.sql")]))
        let message = error?.description ?? ""
        #expect(message.contains("0002_a.sql") && message.contains("2_b.sql"))
    }

    @Test func missingFolderIsAConfigurationError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-missing-\(UUID().uuidString)").path
        let error = #expect(throws: ConfigurationError.self) { try MigrationCatalog.load(from: path) }
        #expect(error?.description.contains(path) == true)
        #expect(error?.category == .usage)
    }

    @Test func emptyFolderHasNoMigrations() throws {
        let folder = try MigrationFolder()
        #expect(try MigrationCatalog.load(from: folder.path).migrations.isEmpty)
    }

    @Test func invalidUTF8InAFileNamesItAndTheOffset() throws {
        let folder = try MigrationFolder()
        try folder.write("0001_bad.sql", bytes: Array("SELECT 1;".utf8) + [0xFE])
        #expect(throws: CatalogError.invalidUTF8(file: folder.file("0001_bad.sql"), offset: 9)) {
            try MigrationCatalog.load(from: folder.path)
        }
    }

    @Test func emptyUpSectionNamesTheFile() throws {
        let folder = try MigrationFolder()
        try folder.write("0001_empty.sql", "-- lifeboat:up\n\n-- lifeboat:down\n")
        let error = #expect(throws: CatalogError.self) { try MigrationCatalog.load(from: folder.path) }
        #expect(error == .emptyUpSection(file: folder.file("0001_empty.sql")))
        #expect(error?.description.contains("0001_empty.sql") == true)
    }

    // MARK: - golang-migrate

    @Test func golangMigratePairs() throws {
        let folder = try MigrationFolder()
        try folder.write("1_create.up.sql", "CREATE TABLE a (id int);\n")
        try folder.write("1_create.down.sql", "DROP TABLE a;\n")
        try folder.write("2_seed.up.sql", "INSERT INTO a VALUES (1);\n")
        try folder.write("3_noop.up.sql", "SELECT 1;\n")
        try folder.write("3_noop.down.sql", "")
        let catalog = try MigrationCatalog.load(from: folder.path)
        #expect(catalog.migrations.count == 3)
        let create = catalog.migrations[0]
        #expect(create.file == folder.file("1_create.up.sql"))
        #expect(create.down?.text == "DROP TABLE a;")
        #expect(create.down?.file == folder.file("1_create.down.sql"))
        #expect(create.checksum == MigrationChecksum.of(upSection: "CREATE TABLE a (id int);\n"))
        #expect(catalog.migrations[1].down == nil)
        #expect(catalog.migrations[2].down == SQLScript("", file: folder.file("3_noop.down.sql"), firstLine: 1))
    }

    @Test func downWithoutUpIsAnError() throws {
        let folder = try MigrationFolder()
        try folder.write("1_create.down.sql", "DROP TABLE a;\n")
        let error = #expect(throws: CatalogError.self) { try MigrationCatalog.load(from: folder.path) }
        #expect(error == .downWithoutUp(file: folder.file("1_create.down.sql")))
        #expect(error?.description.contains("1_create.down.sql") == true)
    }

    @Test func golangPairAndSingleFileWithTheSameVersionAreDuplicates() throws {
        let folder = try MigrationFolder()
        try folder.write("1_create.up.sql", "CREATE TABLE a (id int);\n")
        try folder.write("0001_other.sql", "SELECT 1;\n")
        #expect(throws: CatalogError.duplicateVersion(version: "1", files: [folder.file("0001_other.sql"), folder.file("1_create.up.sql")])) {
            try MigrationCatalog.load(from: folder.path)
        }
    }

    @Test func golangPairWithDifferentNamesIsAnError() throws {
        let folder = try MigrationFolder()
        try folder.write("1_create.up.sql", "CREATE TABLE a (id int);\n")
        try folder.write("1_make.down.sql", "DROP TABLE a;\n")
        #expect(throws: CatalogError.mismatchedPair(up: folder.file("1_create.up.sql"), down: folder.file("1_make.down.sql"))) {
            try MigrationCatalog.load(from: folder.path)
        }
    }

    @Test func parseFileReadsTheDownFileOfAPair() throws {
        let folder = try MigrationFolder()
        let up = try folder.write("7_x.up.sql", "DROP TABLE a;\n")
        try folder.write("7_x.down.sql", "CREATE TABLE a (id int);\n")
        let m = try MigrationParser.parseFile(atPath: up)
        #expect(m.version.text == "7")
        #expect(m.file == up)
        #expect(m.down?.text == "CREATE TABLE a (id int);")
        #expect(try MigrationParser.parseFile(atPath: folder.file("7_x.down.sql")) == m)
        let lone = try folder.write("8_y.down.sql", "SELECT 1;")
        #expect(throws: CatalogError.downWithoutUp(file: lone)) { try MigrationParser.parseFile(atPath: lone) }
        let single = try folder.write("0009_z.sql", "-- lifeboat:up\nSELECT 1;\n")
        #expect(try MigrationParser.parseFile(atPath: single).up.text == "SELECT 1;")
    }

    // MARK: - Many files

    @Test func loadsAThousandFiles() throws {
        let folder = try MigrationFolder()
        for index in 1...1_000 {
            let body = """
                -- lifeboat:up
                CREATE TABLE t\(index) (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'x;y');
                INSERT INTO t\(index) (name) VALUES ('row \(index)');
                -- lifeboat:down
                DROP TABLE t\(index);

                """
            try folder.write(String(format: "%05d_create_t%d.sql", index, index), body)
        }
        try folder.write("notes.txt", "ignored")
        let catalog = try MigrationCatalog.load(from: folder.path)
        #expect(catalog.migrations.count == 1_000)
        #expect(catalog.migrations.map(\.version.numeric) == (1...1_000).map(String.init))
        #expect(Set(catalog.migrations.map(\.checksum)).count == 1_000)
        #expect(catalog.migrations.allSatisfy { $0.up.firstLine == 2 && $0.down?.firstLine == 5 })
        let comparison = HistoryComparison(catalog: catalog, history: [])
        #expect(comparison.pending.count == 1_000)
        try comparison.validateForMigrate(allowOutOfOrder: false)
    }
}
