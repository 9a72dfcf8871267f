import EngineConformance
import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// SPEC "Snapshots" (v2): no secret is ever left on disk, also when the process is killed. Through
/// the real binary with a password-bearing URL: after a snapshot, and after `kill -9` in the middle
/// of one (while `pg_dump` runs), no file under the backups folder holds the password, and no
/// passfile or `pg_dump` error log is left.
@Suite("No secret left on disk", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresSecretsOnDiskTests {
    @Test("snapshot, then kill -9 during snapshots: no file in the backups folder holds the password or is a passfile/error log")
    func noPasswordOnDisk() throws {
        // Big enough that pg_dump runs for a while, so the kills land while it does.
        try PasswordProtectedDatabase.with(rows: 200_000) { url, password in
            let folder = try MigrationFolder()

            let finished = try LifeboatProcess.run(["snapshot", "--backups", folder.backups.path], in: folder.root, databaseURL: url)
            #expect(finished.exitCode == 0, "\(finished.output)")
            try Self.expectNoSecret(password, under: folder.backups)

            var killedWhileDumping = 0
            for _ in 0..<3 {
                let running = try LifeboatProcess(["snapshot", "--backups", folder.backups.path], in: folder.root, databaseURL: url)
                let pid = running.process.processIdentifier
                let deadline = ContinuousClock.now + .seconds(20)
                while running.isRunning, ContinuousClock.now < deadline, !Self.hasDumpChild(of: pid) { usleep(1_000) }
                if Self.hasDumpChild(of: pid) {
                    killedWhileDumping += 1
                    kill(pid, SIGKILL)
                }
                _ = running.wait()
                try Self.expectNoSecret(password, under: folder.backups)
            }
            #expect(killedWhileDumping > 0, "no kill landed while pg_dump ran: the test proves nothing")
        }
    }

    /// Whether `parent` has a `pg_dump` child right now.
    static func hasDumpChild(of parent: Int32) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for pid in entries where Int(pid) != nil {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                  status.contains("\nPPid:\t\(parent)\n"),
                  let commandLine = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            if String(decoding: commandLine, as: UTF8.self).contains("pg_dump") { return true }
        }
        return false
    }

    /// Every file under `folder` (scratch folders included): none is a passfile or a child's error
    /// log, none holds the password.
    static func expectNoSecret(_ password: String, under folder: URL) throws {
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        while let file = enumerator?.nextObject() as? URL {
            let name = file.lastPathComponent
            #expect(!name.contains("pgpass") && !name.hasSuffix(".stderr"), "left on disk: \(file.path)")
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true,
                  let data = FileManager.default.contents(atPath: file.path) else { continue }
            #expect(data.range(of: Data(password.utf8)) == nil, "\(file.path) holds the password")
        }
    }
}
