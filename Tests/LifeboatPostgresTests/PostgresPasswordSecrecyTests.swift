import EngineConformance
import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// SPEC: "A password never appears in any output, log line, JSON report, manifest or child-process
/// command line". Checked end to end through the real binary, with a role and password made for
/// this test only, so nothing else running on the machine can be mistaken for a leak.
@Suite("The password stays secret", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresPasswordSecrecyTests {
    @Test("while lifeboat snapshot runs no /proc/*/cmdline holds the password; nor do stdout, stderr, manifests or JSON")
    func snapshotNeverShowsThePassword() throws {
        // Big enough that pg_dump and the compression run for a while under the poller.
        try PasswordProtectedDatabase.with(rows: 300_000) { url, password in
            let folder = try MigrationFolder(["0001_t.sql": "CREATE TABLE t (id int);"])
            func lifeboat(_ arguments: String...) throws -> LifeboatProcess {
                try LifeboatProcess(arguments + ["--migrations", folder.migrations.path, "--backups", folder.backups.path],
                                    in: folder.root, databaseURL: url)
            }

            var outputs: [String] = []
            for arguments in [["snapshot", "--verbose", "--label", "text"], ["snapshot", "--format", "json", "--verbose"]] {
                let watcher = CommandLineWatcher(secret: password)
                let running = try LifeboatProcess(arguments + ["--backups", folder.backups.path],
                                                  in: folder.root, databaseURL: url)
                watcher.watch(while: running)
                let result = running.wait()
                #expect(result.exitCode == 0, "\(result.output)")
                #expect(watcher.sawDump, "pg_dump was never seen running: the poll proves nothing")
                #expect(watcher.leaks.isEmpty, "the password was on the command line of \(watcher.leaks)")
                outputs += [result.stdout, result.stderr]
            }
            // Other commands that show the database or manifests.
            for running in [try lifeboat("snapshots", "--format", "json"), try lifeboat("status", "--format", "json"),
                            try lifeboat("migrate", "--format", "json", "--verbose"), try lifeboat("status", "--verbose")] {
                let result = running.wait()
                #expect(result.exitCode == 0, "\(result.output)")
                outputs += [result.stdout, result.stderr]
            }
            #expect(outputs.joined().contains("***"), "the redacted URL is shown somewhere")
            for (index, output) in outputs.enumerated() {
                #expect(!output.contains(password), "output \(index) shows the password")
            }
            let manifests = try FileManager.default.contentsOfDirectory(atPath: folder.backups.path).filter { $0.hasSuffix(".json") }
            #expect(manifests.count == 3, "two snapshots, one before migrate: \(manifests)")
            for name in manifests {
                let text = try String(contentsOf: folder.backups.appendingPathComponent(name), encoding: .utf8)
                #expect(!text.contains(password), "manifest \(name) holds the password")
                #expect(text.contains(":***@"), "manifest \(name) names the database redacted")
            }
        }
    }
}

/// Polls every process's command line, and the environment of `pg_dump` processes, while a
/// process runs.
final class CommandLineWatcher: @unchecked Sendable {
    let secret: String
    private let lock = NSLock()
    private var seenDump = false
    private var found: Set<String> = []

    init(secret: String) { self.secret = secret }

    var sawDump: Bool { lock.withLock { seenDump } }
    var leaks: [String] { lock.withLock { found.sorted() } }

    /// Polls until `process` has exited (returns then).
    func watch(while process: LifeboatProcess) {
        while process.isRunning {
            poll()
            usleep(2_000)
        }
    }

    private func poll() {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for pid in entries where Int(pid) != nil {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { continue }
            let commandLine = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            let isDump = commandLine.hasPrefix(PostgresTestEnvironment.binDirectory ?? "/") && commandLine.contains("pg_dump")
                || commandLine.split(separator: " ").first?.hasSuffix("pg_dump") == true
            lock.withLock {
                if isDump { seenDump = true }
                if commandLine.contains(secret) { found.insert("/proc/\(pid)/cmdline: \(commandLine.prefix(200))") }
            }
            if isDump, let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ"),
               String(decoding: environment, as: UTF8.self).contains(secret) {
                lock.withLock { _ = found.insert("/proc/\(pid)/environ of \(commandLine)") }
            }
        }
    }
}
