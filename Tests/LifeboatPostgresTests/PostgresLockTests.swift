import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

@Suite("Run lock (advisory)", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresLockTests {
    @Test("a second connection is told who holds the lock: pid and application_name")
    func busyNamesHolder() throws {
        try TestDatabase.with { database in
            let holder = try PostgresEngine.open(try database.url(parameters: ["application_name": "deploy-7"]),
                                                 options: EngineOptions())
            defer { holder.close() }
            let other = try database.open()
            defer { other.close() }

            #expect(try holder.tryLock(key: "lifeboat_history") == .acquired)
            #expect(try holder.tryLock(key: "lifeboat_history") == .acquired)  // idempotent, not stacked
            let attempt = try other.tryLock(key: "lifeboat_history")
            guard case .busy(let description) = attempt, let description else {
                Issue.record("expected busy with a holder, got \(attempt)")
                return
            }
            #expect(description.contains("pid \(holder.connection.backendPID)"))
            #expect(description.contains("deploy-7"))

            // Another history table is another lock.
            #expect(try other.tryLock(key: "other_history") == .acquired)
            try other.unlock()

            try holder.unlock()
            #expect(try other.tryLock(key: "lifeboat_history") == .acquired)
            try other.unlock()
            try other.unlock()  // harmless when not held
        }
    }

    @Test("the lock is released when the holder's session ends")
    func releasedOnClose() throws {
        try TestDatabase.with { database in
            let holder = try database.open()
            let other = try database.open()
            defer { other.close() }
            #expect(try holder.tryLock(key: "lifeboat_history") == .acquired)
            holder.close()
            var attempt = LockAttempt.busy(holder: nil)
            for _ in 0..<50 where attempt != .acquired {
                attempt = try other.tryLock(key: "lifeboat_history")
                if attempt != .acquired { Thread.sleep(forTimeInterval: 0.1) }
            }
            #expect(attempt == .acquired)
        }
    }

    @Test("the key is the first 8 bytes of SHA-256 of lifeboat:<name>, as pg_locks shows")
    func key() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            let key = try engine.advisoryLockKey(for: "lifeboat_history")
            // SHA-256("lifeboat:lifeboat_history"), first 8 bytes, computed independently in SQL.
            let expected = try engine.value("""
                SELECT ('x' || substr(encode(sha256('lifeboat:lifeboat_history'::bytea), 'hex'), 1, 16))::bit(64)::bigint
                """)
            #expect(String(key) == expected)
            #expect(try engine.advisoryLockKey(for: "lifeboat_history") == key)
            #expect(try engine.tryLock(key: "lifeboat_history") == .acquired)
            let bits = UInt64(bitPattern: key)
            #expect(try engine.value("""
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
                  AND classid::bigint = \(bits >> 32) AND objid::bigint = \(bits & 0xFFFF_FFFF)
                """) == "1")
        }
    }
}
