import Testing
@testable import LifeboatKit

@Suite("Catalog error messages")
struct CatalogErrorTests {
    @Test(arguments: [
        (CatalogError.badFileName(file: "m/add users.sql"), "m/add users.sql"),
        (.duplicateVersion(version: "0002", files: ["m/0002_a.sql", "m/2_b.sql"]), "m/2_b.sql"),
        (.invalidUTF8(file: "m/0001_a.sql", offset: 17), "m/0001_a.sql"),
        (.emptyUpSection(file: "m/0001_a.sql"), "m/0001_a.sql"),
        (.unknownDirective(file: "m/0001_a.sql", line: 2, directive: "-- lifeboat:dwon"), "m/0001_a.sql:2"),
        (.duplicateSection(file: "m/0001_a.sql", section: "down", line: 9), "m/0001_a.sql:9"),
        (.downWithoutUp(file: "m/1_a.down.sql"), "m/1_a.down.sql"),
        (.mismatchedPair(up: "m/1_a.up.sql", down: "m/1_b.down.sql"), "m/1_b.down.sql"),
        (.unreadableFile(file: "m/0001_a.sql", reason: "Permission denied"), "m/0001_a.sql"),
        (.fileExists(file: "m/0001_a.sql"), "m/0001_a.sql"),
        (.drift(file: "m/0001_a.sql", version: "0001", recorded: "aaa", current: "bbb"), "m/0001_a.sql"),
        (.missingFile(version: "0004", description: "add_x", directory: "m"), "0004_add_x.sql"),
        (.dirty(version: "0003", description: "idx", snapshotID: "S1"), "0003"),
        (.outOfOrder(file: "m/0002_a.sql", version: "0002", highestApplied: "0005"), "m/0002_a.sql"),
    ])
    func messageNamesTheFileOrVersion(_ error: CatalogError, _ expected: String) {
        #expect(error.description.contains(expected))
        #expect(error.category == .validation)
        #expect(error.errorDescription == error.description)
    }

    @Test func duplicateNamesBothFilesAndTheNumericVersion() {
        let message = CatalogError.duplicateVersion(version: "0002", files: ["m/0002_a.sql", "m/2_b.sql"]).description
        #expect(message.contains("m/0002_a.sql and m/2_b.sql"))
        #expect(message.contains("version 2"))
    }
}
