import EngineConformance
import Foundation
import LifeboatKit
import Testing

/// `plan --rehearse-on copy` (SPEC "PostgreSQL lock safety"): the rehearsal runs in a scratch
/// database made from a fresh snapshot of the target, which is dropped afterwards — after a
/// success, a failure, SIGTERM, and (through `lifeboat prune`) after `kill -9`.
/// Serialized: each test looks for scratch databases on the shared server.
@Suite("plan --rehearse-on copy on PostgreSQL", .serialized, .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresRehearseOnCopyTests {
    static let base = """
        CREATE TABLE orders (id serial PRIMARY KEY, note text);
        INSERT INTO orders (note) SELECT 'order ' || n FROM generate_series(1, 300) AS n;
        """

    /// A database at version 0001 with `pending` as 0002.
    func setUp(_ pending: String) throws -> (ConformanceDatabase, MigrationFolder) {
        let database = try PostgresConformanceEngine().makeDatabase()
        let folder = try MigrationFolder(["0001_base.sql": Self.base, "0002_change.sql": pending])
        let applied = try LifeboatProcess.run(["migrate", "--target", "1", "--no-snapshot", "--migrations", folder.migrations.path,
                                               "--backups", folder.backups.path], in: folder.root, databaseURL: database.url)
        #expect(applied.exitCode == 0, "\(applied.output)")
        return (database, folder)
    }

    func plan(_ folder: MigrationFolder, _ database: ConformanceDatabase, _ extra: [String] = []) throws -> LifeboatProcess {
        try LifeboatProcess(["plan", "--rehearse-on", "copy", "--allow-destructive", "--migrations", folder.migrations.path,
                             "--backups", folder.backups.path] + extra, in: folder.root, databaseURL: database.url)
    }

    /// Scratch databases a plan with this pid made (their names start with its pid).
    func scratchDatabases(of pid: Int32, _ database: ConformanceDatabase) throws -> [String] {
        try database.query("SELECT datname FROM pg_database WHERE starts_with(datname, 'lifeboat_rehearsal_\(pid)_')").compactMap { $0[0] }
    }

    /// Polls until the plan `pid` has made its scratch database.
    func waitForScratchDatabase(of pid: Int32, _ database: ConformanceDatabase) throws -> String {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let name = try scratchDatabases(of: pid, database).first { return name }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("the plan made no scratch database within 30 s")
        return ""
    }

    @Test("the rehearsal in the copy reports the locks, leaves the target unchanged and drops the copy")
    func copyIsDroppedAndTargetUnchanged() throws {
        let (database, folder) = try setUp("ALTER TABLE orders ADD COLUMN token double precision DEFAULT random();\n")
        defer { database.drop() }
        let before = try database.fingerprint()
        let process = try plan(folder, database, ["--format", "json", "--verbose"])
        let result = process.wait()
        #expect(result.exitCode == 0, "\(result.output)")
        #expect(result.stderr.contains("rehearsing in the scratch database lifeboat_rehearsal_\(process.process.processIdentifier)_"), "\(result.stderr)")
        let migration = try #require((try result.json()["migrations"] as? [[String: Any]])?.first)
        #expect(migration["status"] as? String == "rehearsed")
        #expect(migration["rewrites"] as? [String] == ["orders"], "measured in the copy")
        #expect(try database.fingerprint() == before, "the target is unchanged")
        #expect(try scratchDatabases(of: process.process.processIdentifier, database) == [])
    }

    @Test("in the copy each migration commits: each one's locks are its own, and a no-transaction migration is rehearsed")
    func eachMigrationMeasuredOnItsOwn() throws {
        let (database, folder) = try setUp("ALTER TABLE orders ADD COLUMN token double precision DEFAULT random();\n")
        defer { database.drop() }
        try folder.write("0003_index.sql", "CREATE INDEX orders_note ON orders (note);\n")
        try folder.write("0004_concurrent.sql", "-- lifeboat:no-transaction\nCREATE INDEX CONCURRENTLY orders_token ON orders (token);\n")
        let before = try database.fingerprint()
        let result = try plan(folder, database, ["--format", "json"]).wait()
        #expect(result.exitCode == 0, "\(result.output)")
        let migrations = try #require(try result.json()["migrations"] as? [[String: Any]])
        #expect(migrations.map { $0["status"] as? String } == ["rehearsed", "rehearsed", "rehearsed"])
        let modes = migrations.prefix(2).map { ($0["locks"] as? [[String: Any]] ?? []).map { "\($0["relation"] ?? "")=\($0["mode"] ?? "")" } }
        #expect(modes == [["orders=ACCESS EXCLUSIVE"], ["orders=SHARE"]], "the second migration's lock is measured although the first took a stronger one")
        #expect(migrations[2]["locks"] is NSNull, "a no-transaction migration's locks are gone when its statement ends")
        #expect(try database.fingerprint() == before)
    }

    @Test("a rehearsal that fails in the copy exits 1 and still drops it")
    func failedRehearsalDropsTheCopy() throws {
        let (database, folder) = try setUp("ALTER TABLE orders ADD COLUMN missing_fk int REFERENCES nowhere (id);\n")
        defer { database.drop() }
        let before = try database.fingerprint()
        let process = try plan(folder, database)
        let result = process.wait()
        #expect(result.exitCode == 1, "\(result.output)")
        #expect(result.stderr.contains("0002_change.sql:1"), "\(result.stderr)")
        #expect(try database.fingerprint() == before)
        #expect(try scratchDatabases(of: process.process.processIdentifier, database) == [])
    }

    @Test("SIGTERM during the rehearsal drops the copy before the process ends")
    func sigtermDropsTheCopy() throws {
        let (database, folder) = try setUp("SELECT pg_sleep(30);\n")
        defer { database.drop() }
        let process = try plan(folder, database)
        let pid = process.process.processIdentifier
        let name = try waitForScratchDatabase(of: pid, database)
        Thread.sleep(forTimeInterval: 0.5)  // into the rehearsal, past the copy
        kill(pid, SIGTERM)
        let result = process.wait()
        #expect(result.exitCode == 143, "\(result.output)")
        #expect(result.stderr.contains("SIGTERM: dropped the scratch database \(name)"), "\(result.stderr)")
        #expect(try scratchDatabases(of: pid, database) == [])
    }

    @Test("kill -9 leaves the copy; lifeboat prune finds it by its name (the pid is gone) and drops it")
    func pruneDropsTheCopyOfAKilledPlan() throws {
        let (database, folder) = try setUp("SELECT pg_sleep(30);\n")
        defer { database.drop() }
        let process = try plan(folder, database)
        let pid = process.process.processIdentifier
        let name = try waitForScratchDatabase(of: pid, database)
        kill(pid, SIGKILL)
        _ = process.wait()
        #expect(try scratchDatabases(of: pid, database) == [name], "a kill -9 cannot be caught")

        let pruned = try LifeboatProcess.run(["prune", "--format", "json", "--migrations", folder.migrations.path,
                                              "--backups", folder.backups.path], in: folder.root, databaseURL: database.url)
        #expect(pruned.exitCode == 0, "\(pruned.output)")
        #expect(try pruned.json()["scratch_databases"] as? [String] == [name])
        #expect(try scratchDatabases(of: pid, database) == [])
    }

    @Test("a role without CREATEDB: exit 2 naming CREATEDB, nothing made, the target unchanged")
    func missingCreateDB() throws {
        let (database, folder) = try setUp("ALTER TABLE orders ADD COLUMN note2 text;\n")
        defer { database.drop() }
        let role = "lifeboat_nocreate_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8).lowercased()
        try database.execute("CREATE ROLE \(role) LOGIN PASSWORD 'nocreate-pw'")
        defer { try? database.execute("DROP OWNED BY \(role); DROP ROLE \(role)") }
        try database.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO \(role); GRANT ALL ON SCHEMA public TO \(role)")
        var components = try #require(URLComponents(string: database.url))
        components.user = role
        components.password = "nocreate-pw"
        let before = try database.fingerprint()
        let process = try LifeboatProcess(["plan", "--rehearse-on", "copy", "--allow-destructive", "--migrations", folder.migrations.path,
                                           "--backups", folder.backups.path], in: folder.root, databaseURL: components.string!)
        let result = process.wait()
        #expect(result.exitCode == 2, "\(result.output)")
        #expect(result.stderr.contains("lacks CREATEDB"), "\(result.stderr)")
        #expect(!result.stderr.contains("nocreate-pw"))
        #expect(try database.fingerprint() == before)
        #expect(try scratchDatabases(of: process.process.processIdentifier, database) == [])
    }
}
