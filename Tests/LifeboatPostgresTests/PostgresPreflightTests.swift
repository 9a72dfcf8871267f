import EngineConformance
import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// Issue 13: the preflight. Before the first migration, `migrate` and `plan` name the sessions idle
/// in transaction (or older than `--preflight-max-age`) that hold locks on the tables the pending
/// migrations touch; `--preflight strict` refuses with exit 4 before the snapshot.
@Suite("Preflight: sessions in the way", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresPreflightTests {
    typealias Setup = PostgresLockRetryTests.Setup

    func snapshotFiles(_ setup: Setup) throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: setup.folder.backups.path).filter { $0.hasSuffix(".gz") }.sorted()
    }

    @Test("--preflight strict: exit 4 naming A's pid and application_name; nothing changed, no snapshot taken")
    func strictRefuses() throws {
        try TestDatabase.with { database in
            let setup = try Setup(database)
            let before = try snapshotFiles(setup)
            let (sessionA, pid) = try setup.blocker()
            defer { sessionA.close() }

            let result = try setup.start("migrate", "--format", "json", "--preflight", "strict").wait()
            #expect(result.exitCode == 4, "\(result.output)")
            let message = try #require((try result.json()["error"] as? [String: Any])?["message"] as? String, "\(result.stdout)")
            #expect(message.contains("pid \(pid)") && message.contains("application_name 'report-a'"), "\(message)")
            #expect(message.contains("idle in transaction"), "\(message)")
            #expect(message.contains("no snapshot was taken"), "\(message)")
            try sessionA.commit()
            #expect(try setup.columns() == "id")
            #expect(try snapshotFiles(setup) == before, "no snapshot was taken")
        }
    }

    @Test("default (warn): the run warns, lists A under preflight, and goes on; plan reports A in text and JSON")
    func warnsAndPlanReports() throws {
        try TestDatabase.with { database in
            let setup = try Setup(database)
            // SHARE (CREATE INDEX) does not conflict with A's ACCESS SHARE: the run can go on.
            try setup.folder.write("0002_add_note.sql", "-- lifeboat:allow-destructive\nCREATE INDEX t_id_again ON t (id);\n")
            let (sessionA, pid) = try setup.blocker()
            defer { sessionA.close() }

            let planText = try setup.start("plan").wait()
            #expect(planText.exitCode == 0, "\(planText.output)")
            #expect(planText.stdout.contains("preflight: in the way: pid \(pid)"), "\(planText.output)")
            let planJSON = try setup.start("plan", "--format", "json").wait()
            let planned = try #require(try planJSON.json()["preflight"] as? [[String: Any]], "\(planJSON.stdout)")
            #expect(planned.map { "\($0["pid"] ?? "")" } == [pid])
            #expect(planned.first?["state"] as? String == "idle in transaction")

            let result = try setup.start("migrate", "--format", "json").wait()
            #expect(result.exitCode == 0, "\(result.output)")
            #expect(result.stderr.contains("preflight: in the way: pid \(pid)"), "\(result.stderr)")
            let listed = try #require(try result.json()["preflight"] as? [[String: Any]], "\(result.stdout)")
            #expect(listed.first?["application_name"] as? String == "report-a")
            try sessionA.commit()
        }
    }

    @Test("a running (not idle) transaction counts only once it is older than --preflight-max-age")
    func maxAge() throws {
        try TestDatabase.with { database in
            let setup = try Setup(database)
            let busy = try BusySession(database, sql: "BEGIN; SELECT count(*) FROM t; SELECT pg_sleep(4); COMMIT")
            Thread.sleep(forTimeInterval: 2)
            let old = try setup.start("plan", "--no-rehearse", "--format", "json", "--preflight-max-age", "1").wait()
            let young = try setup.start("plan", "--no-rehearse", "--format", "json").wait()
            busy.wait()
            let listed = try #require(try old.json()["preflight"] as? [[String: Any]], "\(old.stdout)")
            #expect(listed.map { "\($0["pid"] ?? "")" } == [busy.pid])
            #expect(listed.first?["state"] as? String == "active")
            #expect(((listed.first?["transaction_ms"] as? Int) ?? 0) >= 1_000)
            #expect(try young.json()["preflight"] == nil, "a 2 s old transaction is under the default 60 s: \(young.stdout)")
        }
    }

    @Test("a session that holds no lock on the migrations' tables is not reported")
    func otherTablesAreIgnored() throws {
        try TestDatabase.with { database in
            let setup = try Setup(database)
            let other = try database.open(lockTimeoutMs: 0)
            defer { other.close() }
            try other.execute(SQLScript("CREATE TABLE unrelated (id int)"))
            try other.begin()
            try other.execute(SQLScript("SELECT * FROM unrelated"))
            let plan = try setup.start("plan", "--format", "json").wait()
            #expect(try plan.json()["preflight"] == nil, "\(plan.stdout)")
            try other.commit()
        }
    }
}

/// A second session running `sql` (one simple query) on a thread of its own, so it is `active`
/// while the test looks at it.
final class BusySession: @unchecked Sendable {
    let pid: String
    private let connection: PostgresEngine
    private let done = DispatchSemaphore(value: 0)

    init(_ database: TestDatabase, sql: String) throws {
        connection = try database.open(lockTimeoutMs: 0)
        pid = try #require(try connection.value("SELECT pg_backend_pid()"))
        Thread.detachNewThread { [self] in
            _ = connection.connection.executeScript(sql)
            done.signal()
        }
    }

    /// Waits until the query finished, then closes the session.
    func wait() {
        done.wait()
        connection.close()
    }
}
