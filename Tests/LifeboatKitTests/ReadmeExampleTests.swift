import Foundation
import Testing
@testable import LifeboatKit

/// The README's example migration, pasted as is into a file, is a valid migration (issue 10,
/// item 15: its annotated directive lines used to be unknown directives).
@Suite("README example migration")
struct ReadmeExampleTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test func exampleParsesAsPasted() throws {
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```sql\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        let example = try #require(blocks.first { $0.contains("-- lifeboat:up") })
        let folder = try MigrationFolder()
        try folder.write("0001_create_users.sql", example)
        let migration = try #require(try MigrationCatalog.load(from: folder.path).migrations.first)
        #expect(migration.up.statements.map { StatementKind.of($0) } == ["CREATE TABLE"])
        #expect(migration.verify?.statements.count == 1)
        #expect(migration.down?.statements.map { StatementKind.of($0) } == ["DROP TABLE"])
    }
}
