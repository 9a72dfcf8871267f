import EngineConformance
import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// Issue 13: `--lock-retries` and the blocker report. Session A holds a lock on `t` (an open
/// transaction that read it); `lifeboat migrate` of `ALTER TABLE t ADD COLUMN …` waits at most
/// `--statement-lock-timeout` per attempt, names A, and succeeds once A commits; a reader on `t`
/// (session C) is never held up much longer than the lock timeout. Through the real binary.
@Suite("Lock-timeout retries and blocker reports", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresLockRetryTests {
    /// A migrations folder with `t` (applied) and `ALTER TABLE t ADD COLUMN` (pending), and the
    /// lifeboat command against `database`.
    struct Setup {
        let folder: MigrationFolder
        let database: TestDatabase

        init(_ database: TestDatabase) throws {
            self.database = database
            folder = try MigrationFolder(["0001_t.sql": "CREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t SELECT generate_series(1, 100);\n"])
            #expect(try start("migrate").wait().exitCode == 0)
            try folder.write("0002_add_note.sql", "-- lifeboat:up\nALTER TABLE t ADD COLUMN note text;\n")
        }

        func start(_ arguments: String...) throws -> LifeboatProcess {
            try LifeboatProcess(arguments + ["--migrations", folder.migrations.path, "--backups", folder.backups.path],
                                in: folder.root, databaseURL: database.url.original)
        }

        /// Session A: application_name `report-a`, in a transaction that read `t`. Returns it and its pid.
        func blocker() throws -> (PostgresEngine, String) {
            let session = try PostgresEngine.open(try database.url(parameters: ["application_name": "report-a"]),
                                                  options: EngineOptions(statementLockTimeoutMs: 0))
            let pid = try #require(try session.value("SELECT pg_backend_pid()"))
            try session.begin()
            try session.execute(SQLScript("SELECT count(*) FROM t"))
            return (session, pid)
        }

        func columns() throws -> String? {
            let engine = try database.open()
            defer { engine.close() }
            return try engine.value("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 't'")
        }
    }

    @Test("retries after each lock timeout, names A's pid and application_name, succeeds once A commits; a reader is never blocked much past the timeout")
    func retriesUntilTheBlockerCommits() throws {
        try TestDatabase.with { database in
            let setup = try Setup(database)
            let (sessionA, pid) = try setup.blocker()
            defer { sessionA.close() }
            let reader = try ReaderLoop(database)

            let run = try setup.start("migrate", "--format", "json", "--statement-lock-timeout", "500", "--lock-retries", "5")
            Thread.sleep(forTimeInterval: 1.5)
            try sessionA.commit()
            let result = run.wait()
            let longestStall = reader.stop()

            #expect(result.exitCode == 0, "\(result.output)")
            let json = try result.json()
            let entry = try #require((json["migrations"] as? [[String: Any]])?.last)
            #expect(entry["status"] as? String == "applied")
            let retries = try #require(entry["lock_retries"] as? Int, "\(result.stdout)")
            #expect((1...5).contains(retries), "\(result.output)")
            let blockers = try #require(entry["blockers"] as? [[String: Any]], "\(result.stdout)")
            #expect(blockers.contains { "\($0["pid"] ?? "")" == pid && $0["application_name"] as? String == "report-a" }, "\(blockers)")
            #expect((blockers.first?["query"] as? String)?.contains("SELECT count(*) FROM t") == true, "\(blockers)")
            // Each attempt failed quickly (500 ms) and was logged with who was in the way.
            let logged = result.stderr.components(separatedBy: "\n").filter { $0.contains("lock timeout in 0002_add_note") }
            #expect(logged.count == retries, "\(result.stderr)")
            #expect(logged.allSatisfy { $0.contains("pid \(pid)") && $0.contains("application_name 'report-a'") }, "\(result.stderr)")
            #expect(result.seconds < 15, "\(result.output)")
            #expect(longestStall < 2.5, "a reader of t waited \(longestStall) s behind the queued ALTER TABLE")
            #expect(try setup.columns() == "id,note")
        }
    }

    @Test("with --lock-retries 0 the first lock timeout fails the run: exit 1, A named in the message and the JSON, nothing changed")
    func noRetries() throws {
        try TestDatabase.with { database in
            let setup = try Setup(database)
            let (sessionA, pid) = try setup.blocker()
            defer { sessionA.close() }

            let result = try setup.start("migrate", "--format", "json", "--statement-lock-timeout", "500", "--lock-retries", "0").wait()
            #expect(result.exitCode == 1, "\(result.output)")
            let json = try result.json()
            let failure = try #require(json["failure"] as? [String: Any], "\(result.stdout)")
            let blockers = try #require(failure["blockers"] as? [[String: Any]], "\(result.stdout)")
            #expect(blockers.contains { "\($0["pid"] ?? "")" == pid && $0["application_name"] as? String == "report-a" }, "\(blockers)")
            let message = try #require((json["error"] as? [String: Any])?["message"] as? String)
            #expect(message.contains("pid \(pid)") && message.contains("report-a"), "\(message)")
            #expect(message.contains("gave up after 0 lock retries"), "\(message)")
            #expect(!result.stderr.contains("retry 1"), "\(result.stderr)")
            #expect((json["migrations"] as? [[String: Any]])?.last?["lock_retries"] as? Int == 0)
            #expect(json["database_changed"] as? Bool == false)
            try sessionA.commit()
            #expect(try setup.columns() == "id")
        }
    }

    @Test("rollback retries a down section cancelled by the lock timeout until A commits")
    func rollbackRetries() throws {
        try TestDatabase.with { database in
            let setup = try Setup(database)
            try setup.folder.write("0002_add_note.sql", "-- lifeboat:up\nALTER TABLE t ADD COLUMN note text;\n-- lifeboat:down\nALTER TABLE t DROP COLUMN note;\n")
            #expect(try setup.start("migrate").wait().exitCode == 0)
            let (sessionA, pid) = try setup.blocker()
            defer { sessionA.close() }

            let run = try setup.start("rollback", "--yes", "--format", "json", "--statement-lock-timeout", "300", "--lock-retries", "8")
            Thread.sleep(forTimeInterval: 1.0)
            try sessionA.commit()
            let result = run.wait()
            #expect(result.exitCode == 0, "\(result.output)")
            let entry = try #require((try result.json()["migrations"] as? [[String: Any]])?.last, "\(result.stdout)")
            #expect(entry["status"] as? String == "rolled_back")
            #expect((entry["lock_retries"] as? Int ?? 0) >= 1, "\(result.output)")
            #expect(result.stderr.contains("lock timeout in the rollback of 0002_add_note") && result.stderr.contains("pid \(pid)"),
                    "\(result.stderr)")
            #expect(try setup.columns() == "id")
        }
    }

    @Test("a no-transaction migration retries a plain statement but not CREATE INDEX CONCURRENTLY, which may have begun its work")
    func noTransactionRetriesOnlyWhatDidNothing() throws {
        try TestDatabase.with { database in
            let setup = try Setup(database)
            try setup.folder.write("0002_add_note.sql", "-- lifeboat:no-transaction\nALTER TABLE t ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY t_note ON t (note);\n")
            let (sessionA, _) = try setup.blocker()
            defer { sessionA.close() }

            // The ALTER TABLE waits behind A's read: retried until A commits.
            let run = try setup.start("migrate", "--format", "json", "--statement-lock-timeout", "300", "--lock-retries", "8")
            Thread.sleep(forTimeInterval: 1.0)
            try sessionA.commit()
            let result = run.wait()
            #expect(result.exitCode == 0, "\(result.output)")
            #expect(((try result.json()["migrations"] as? [[String: Any]])?.last?["lock_retries"] as? Int ?? 0) >= 1, "\(result.output)")
            #expect(try setup.columns() == "id,note")

            // A CREATE INDEX CONCURRENTLY cancelled by the lock timeout is not run again.
            try setup.folder.write("0003_index.sql", "-- lifeboat:no-transaction\nCREATE INDEX CONCURRENTLY t_id_note ON t (id, note);\n")
            let writer = try database.open(lockTimeoutMs: 0)
            defer { writer.close() }
            try writer.begin()
            try writer.execute(SQLScript("LOCK TABLE t IN SHARE ROW EXCLUSIVE MODE"))
            let refused = try setup.start("migrate", "--format", "json", "--statement-lock-timeout", "300", "--lock-retries", "5").wait()
            try writer.commit()
            #expect(refused.exitCode != 0, "\(refused.output)")
            #expect(!refused.stderr.contains("retry 1"), "\(refused.stderr)")
            let message = try #require((try refused.json()["error"] as? [String: Any])?["message"] as? String, "\(refused.stdout)")
            #expect(message.contains("not retried"), "\(message)")
        }
    }
}

/// Session C: `SELECT count(*) FROM t` every 20 ms on its own connection (no lock timeout, so it
/// queues behind a waiting ALTER TABLE like any application query), keeping the longest one.
final class ReaderLoop: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private var longest = 0.0
    private let done = DispatchSemaphore(value: 0)
    /// Used only by the loop's thread once started.
    private let connection: PostgresEngine

    init(_ database: TestDatabase) throws {
        connection = try database.open(lockTimeoutMs: 0)
        Thread.detachNewThread { [self] in
            defer { connection.close(); done.signal() }
            while lock.withLock({ running }) {
                let started = ContinuousClock.now
                _ = try? connection.value("SELECT count(*) FROM t")
                let took = ContinuousClock.now - started
                let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
                lock.withLock { longest = max(longest, seconds) }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
    }

    /// Stops the loop; the longest SELECT in seconds.
    func stop() -> Double {
        lock.withLock { running = false }
        done.wait()
        return lock.withLock { longest }
    }
}
