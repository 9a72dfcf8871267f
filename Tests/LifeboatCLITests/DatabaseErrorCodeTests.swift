import Foundation
import Testing

/// Issue 11, item 4: a failed migration's JSON error keeps the database's own code — the SQLSTATE
/// on PostgreSQL, the SQLite extended result code on SQLite — so scripts need not read messages.
@Suite struct DatabaseErrorCodeTests {
    @Test("a unique violation keeps its code in the JSON error: SQLSTATE 23505 / SQLite 1555")
    func uniqueViolationKeepsItsCode() throws {
        for engine in ScriptEngine.all {
            let setup = try RestoreSetup(engine)
            #expect(try setup.run(["migrate"]).exitCode == 0)
            try setup.repository.write("migrations/0007_twice.sql", """
                -- lifeboat:up
                CREATE TABLE tags (name TEXT PRIMARY KEY);
                INSERT INTO tags VALUES ('a');
                INSERT INTO tags VALUES ('a');
                """)
            let failed = try setup.run(["migrate", "--format", "json"])
            #expect(failed.exitCode == 1, "\(engine): \(failed.stdout)\(failed.stderr)")
            let error = try #require(try failed.json()["error"] as? [String: Any], "\(engine): \(failed.stdout)")
            switch engine {
            case .postgres:
                #expect(error["sqlstate"] as? String == "23505", "\(error)")
                #expect(error["sqlite_code"] == nil)
            case .sqlite:
                // SQLITE_CONSTRAINT_PRIMARYKEY (1555): the extended code, not the primary 19.
                #expect(error["sqlite_code"] as? Int == 1555, "\(error)")
                #expect(error["sqlstate"] == nil)
            }
            #expect(try setup.version() == "0006", "\(engine): nothing of the failed run stays")
        }
    }

    @Test("an error without a database code has no code field")
    func noCodeWithoutDatabaseError() throws {
        let setup = try RestoreSetup(.sqlite)
        let failed = try setup.run(["migrate", "--target", "9999", "--format", "json"])
        #expect(failed.exitCode == 2, "\(failed.stdout)")
        let error = try #require(try failed.json()["error"] as? [String: Any])
        #expect(error["sqlite_code"] == nil && error["sqlstate"] == nil, "\(error)")
    }
}
