import Foundation
import TestSupport
import Testing

/// SPEC "Snapshots" (v2): hitting a file-size limit (`SIGXFSZ`) or a full disk is an ordinary error
/// — exit 5 before any migration, with a message that says the database was not changed — never a
/// kill by signal (exit 153, no message). Through the real binary under `ulimit -f`, and with the
/// backups folder on a 256 KiB tmpfs where mounting one is allowed (root; skipped elsewhere).
@Suite struct FileSizeLimitTests {
    /// `lifeboat arguments…` in `workspace` under `ulimit -f blocks` (1 KiB blocks).
    static func underLimit(_ blocks: Int, _ workspace: Workspace, _ arguments: String...) throws -> ChildProcessResult {
        let environment = ChildProcess.environment(dropping: { $0 == "DATABASE_URL" || $0.hasPrefix("LIFEBOAT_") })
        return try ChildProcess.run(URL(fileURLWithPath: "/bin/bash"),
                                    ["-c", "ulimit -f \(blocks); exec \"$0\" \"$@\"", LifeboatBinary.path] + arguments,
                                    in: workspace.root, environment: environment)
    }

    static func sqlite(_ workspace: Workspace, _ sql: String) throws -> String {
        try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["sqlite3", workspace.path("app.sqlite"), sql])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A migrated workspace whose database is larger than the limit used below.
    static func bigDatabase() throws -> Workspace {
        let workspace = try Workspace()
        try workspace.write("migrations/0007_bulk.sql", """
            CREATE TABLE bulk AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 20000) SELECT x, hex(randomblob(32)) AS pad FROM c;
            """)
        let migrated = try workspace.run("migrate")
        #expect(migrated.exitCode == 0, "\(migrated.stderr)")
        return workspace
    }

    @Test("snapshot under ulimit -f exits 5 with a message, not killed by SIGXFSZ; no partial snapshot is listed")
    func snapshotUnderLimit() throws {
        let workspace = try Self.bigDatabase()
        let result = try Self.underLimit(64, workspace, "snapshot")
        #expect(result.exitCode == 5, "exit \(result.exitCode): \(result.stderr)")
        #expect(result.stderr.contains("lifeboat: error:"), "\(result.stderr)")
        let listed = try workspace.run("snapshots", "--format", "json").json()
        #expect((listed["snapshots"] as? [Any])?.count ?? 0 <= 1, "\(listed)")
    }

    @Test("migrate under ulimit -f exits 5 before any migration, saying the database was not changed; it is unchanged")
    func migrateUnderLimit() throws {
        let workspace = try Self.bigDatabase()
        try workspace.write("migrations/0008_more.sql", "CREATE TABLE more (id INTEGER);\n")
        let before = try Self.sqlite(workspace, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master ORDER BY name)")
        let history = try Self.sqlite(workspace, "SELECT count(*) FROM lifeboat_history")

        let result = try Self.underLimit(64, workspace, "migrate")
        #expect(result.exitCode == 5, "exit \(result.exitCode): \(result.stderr)")
        #expect(result.stderr.contains("was not changed"), "\(result.stderr)")
        #expect(result.stderr.contains("No migration ran"), "\(result.stderr)")
        #expect(result.stderr.contains("File too large"), "the reason is named: \(result.stderr)")
        #expect(try Self.sqlite(workspace, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master ORDER BY name)") == before)
        #expect(try Self.sqlite(workspace, "SELECT count(*) FROM lifeboat_history") == history)
        #expect(try Self.sqlite(workspace, "PRAGMA integrity_check") == "ok")
    }

    /// Whether this process may mount a tmpfs (root in a container or VM that allows it).
    static let canMountTmpfs: Bool = {
        guard getuid() == 0 else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("lifeboat-tmpfs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: probe) }
        guard (try? FileManager.default.createDirectory(at: probe, withIntermediateDirectories: true)) != nil,
              let mounted = try? ChildProcess.run(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.path]),
              mounted.exitCode == 0 else { return false }
        _ = try? ChildProcess.run(URL(fileURLWithPath: "/bin/umount"), [probe.path])
        return true
    }()

    @Test("migrate with the backups folder on a full disk exits 5 before any migration, saying so; the database is unchanged",
          .enabled(if: canMountTmpfs))
    func migrateOnFullDisk() throws {
        let workspace = try Self.bigDatabase()
        try workspace.write("migrations/0008_more.sql", "CREATE TABLE more (id INTEGER);\n")
        let backups = workspace.path("full-backups")
        try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true)
        let mounted = try ChildProcess.run(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", backups])
        try #require(mounted.exitCode == 0, "\(mounted.stderr)")
        defer { _ = try? ChildProcess.run(URL(fileURLWithPath: "/bin/umount"), [backups]) }
        let before = try Self.sqlite(workspace, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master ORDER BY name)")

        let result = try workspace.run("migrate", "--backups", backups)
        #expect(result.exitCode == 5, "exit \(result.exitCode): \(result.stderr)")
        #expect(result.stderr.contains("No space left on device") && result.stderr.contains("free space"), "\(result.stderr)")
        #expect(result.stderr.contains("No migration ran"), "\(result.stderr)")
        #expect(try Self.sqlite(workspace, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master ORDER BY name)") == before)
        #expect(try Self.sqlite(workspace, "PRAGMA integrity_check") == "ok")
        #expect(try FileManager.default.contentsOfDirectory(atPath: backups).filter { !$0.hasPrefix(".") }.isEmpty,
                "no partial snapshot left on the full disk")
    }
}
