import EngineConformance
import Foundation
import LifeboatKit
import Testing

/// `plan --rehearsal-timeout` (SPEC "PostgreSQL lock safety"): a rehearsal against a live
/// database never runs, and so never holds its locks, longer than the operator allowed.
@Suite("plan --rehearsal-timeout on PostgreSQL", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresRehearsalTimeoutTests {
    @Test("a rehearsal longer than --rehearsal-timeout fails plan with exit 1, fast, and says why")
    func slowRehearsalIsCancelled() throws {
        let database = try PostgresConformanceEngine().makeDatabase()
        defer { database.drop() }
        let folder = try MigrationFolder([
            "0001_table.sql": "CREATE TABLE t (id int);\n",
            "0002_slow.sql": "INSERT INTO t VALUES (1);\nSELECT pg_sleep(5);\n",
        ])
        let before = try database.fingerprint()
        let result = try LifeboatProcess.run(["plan", "--rehearsal-timeout", "1", "--migrations", folder.migrations.path],
                                             in: folder.root, databaseURL: database.url)
        #expect(result.exitCode == 1, "\(result.output)")
        #expect(result.seconds < 4, "cancelled after about 1 s, not after the 5 s sleep (\(result.seconds) s)")
        #expect(result.stderr.contains("--rehearsal-timeout (1 s)"), "\(result.stderr)")
        #expect(result.stderr.contains("0002_slow.sql:2"), "\(result.stderr)")
        #expect(try database.fingerprint() == before)

        let json = try LifeboatProcess.run(["plan", "--rehearsal-timeout", "1", "--format", "json", "--migrations", folder.migrations.path],
                                           in: folder.root, databaseURL: database.url)
        #expect(json.exitCode == 1, "\(json.output)")
        let migrations = try #require(try json.json()["migrations"] as? [[String: Any]])
        #expect(migrations.map { $0["status"] as? String } == ["rehearsed", "failed"])
        #expect(migrations[1]["verdict"] is NSNull, "a migration cut short has no whole verdict")
    }

    @Test("a bad --rehearsal-timeout is a usage error naming the flag")
    func badValue() throws {
        let folder = try MigrationFolder(["0001_table.sql": "CREATE TABLE t (id int);\n"])
        let result = try LifeboatProcess.run(["plan", "--rehearsal-timeout", "-3", "--migrations", folder.migrations.path],
                                             in: folder.root, databaseURL: try PostgresTestEnvironment.requireURL().original)
        #expect(result.exitCode == 2, "\(result.output)")
        #expect(result.stderr.contains("--rehearsal-timeout"), "\(result.stderr)")
    }
}
