import Foundation
import Testing

/// Issue 11, item 4: `lifeboat schema` without a usable pg_dump fails as a configuration error
/// (exit 2) naming pg_dump and where it looked — not as a snapshot failure (exit 5).
@Suite struct SchemaMissingPgDumpTests {
    @Test("schema with --pg-bin pointing at an empty folder exits 2 and names pg_dump")
    func emptyPgBinFolder() throws {
        guard ScriptEngine.all.contains(.postgres) else { return }
        let setup = try RestoreSetup(.postgres)
        let empty = setup.repository.path("empty-bin")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let text = try setup.run(["schema", "--pg-bin", empty])
        #expect(text.exitCode == 2, "\(text.stderr)")
        #expect(text.stderr.contains("pg_dump was not found in the PostgreSQL bin folder '\(empty)'"), "\(text.stderr)")
        let json = try setup.run(["schema", "--pg-bin", empty, "--format", "json"])
        #expect(json.exitCode == 2)
        let error = try #require(try json.json()["error"] as? [String: Any])
        #expect(error["kind"] as? String == "usage", "\(error)")
    }
}
