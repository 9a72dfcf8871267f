import Foundation
import Testing

/// Issue 11, item 4: `migrate --dump-schema FILE` that cannot write FILE after the migrations
/// committed still reports the migrations (JSON and text), says the schema file was not written,
/// and exits 2 (README "Choices where the SPEC is silent").
@Suite struct DumpSchemaNotWrittenTests {
    @Test("an unwritable --dump-schema path: exit 2, the applied migrations reported, the file named")
    func unwritableSchemaPath() throws {
        let setup = try RestoreSetup(.sqlite)
        // A path under a regular file can never be created, whoever runs the test.
        try setup.repository.write("blocker", "not a folder\n")
        let path = setup.repository.path("blocker/schema.sql")

        let json = try setup.run(["migrate", "--dump-schema", path, "--format", "json"])
        #expect(json.exitCode == 2, "\(json.stdout)\(json.stderr)")
        let object = try json.json()
        #expect(object["ok"] as? Bool == false)
        let migrations = try #require(object["migrations"] as? [[String: Any]], "\(object)")
        #expect(migrations.count == 6)
        #expect(migrations.allSatisfy { $0["status"] as? String == "applied" })
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["kind"] as? String == "usage")
        let message = try #require(error["message"] as? String)
        #expect(message.contains("6 migration(s) were applied and committed"), "\(message)")
        #expect(message.contains("schema file \(path) was not written"), "\(message)")
        #expect(try setup.version() == "0006", "the migrations stay applied")
        #expect(!FileManager.default.fileExists(atPath: path))

        // Text: the migrations on stdout as usual, the missing file on stderr.
        try setup.repository.write("migrations/0007_more.sql", "-- lifeboat:up\nCREATE TABLE more_things (id INTEGER);\n")
        let text = try setup.run(["migrate", "--dump-schema", path])
        #expect(text.exitCode == 2, "\(text.stderr)")
        #expect(text.stdout.contains("0007_more"), "\(text.stdout)")
        #expect(text.stdout.contains("1 migration(s) applied"), "\(text.stdout)")
        #expect(text.stderr.contains("schema file \(path) was not written"), "\(text.stderr)")
        #expect(try setup.version() == "0007")
    }
}
