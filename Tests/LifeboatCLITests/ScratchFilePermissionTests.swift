import Foundation
import TestSupport
import Testing

/// SPEC "Snapshots" (v2): every file Lifeboat writes is 0600 inside a 0700 folder under the backups
/// folder (never a copy of the database in the system temporary folder), every writing command
/// removes what dead runs left, and a backups folder open to others gets a warning saying
/// `chmod 700`. Through the real binary, on SQLite, with the usual umask 022.
@Suite struct ScratchFilePermissionTests {
    /// Each file and folder under `folder` with its permission bits.
    static func modes(under folder: URL) -> [(path: String, mode: Int, isFolder: Bool)] {
        var result: [(String, Int, Bool)] = []
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let relative = enumerator?.nextObject() as? String {
            var info = stat()
            guard lstat(folder.appendingPathComponent(relative).path, &info) == 0 else { continue }
            result.append((relative, Int(info.st_mode & 0o777), (info.st_mode & S_IFMT) == S_IFDIR))
        }
        return result
    }

    static func mode(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_mode & 0o777) : -1
    }

    @Test("after snapshot and migrate: the backups folder is 0700, every file 0600, no scratch left")
    func modesAfterSnapshot() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate").exitCode == 0)
        let snapshot = try workspace.run("snapshot")
        #expect(snapshot.exitCode == 0, "\(snapshot.stderr)")
        let backups = URL(fileURLWithPath: workspace.path("backups"))
        #expect(Self.mode(backups.path) == 0o700)
        let entries = Self.modes(under: backups)
        #expect(entries.count == 4, "two snapshots, nothing else: \(entries.map(\.path))")
        for entry in entries {
            #expect(entry.mode == (entry.isFolder ? 0o700 : 0o600), "\(entry.path) is \(String(entry.mode, radix: 8))")
        }
        #expect(!entries.contains { $0.path.hasPrefix(".lifeboat-scratch") }, "scratch left behind")
    }

    @Test("plan rehearses in a 0600 copy inside the 0700 scratch folder, never in TMPDIR, and removes it")
    func planRehearsalCopy() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate").exitCode == 0)
        // A rehearsal that takes a moment, so the copy can be seen while it exists.
        try workspace.write("migrations/0007_slow.sql", """
            CREATE TABLE slow AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1500000) SELECT x, hex(randomblob(16)) AS pad FROM c;
            """)
        let temporary = workspace.root.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        let scratch = workspace.root.appendingPathComponent("backups/.lifeboat-scratch")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: LifeboatBinary.path)
        process.arguments = ["plan"]
        process.currentDirectoryURL = workspace.root
        process.environment = ChildProcess.environment(dropping: { $0 == "DATABASE_URL" || $0.hasPrefix("LIFEBOAT_") },
                                                       adding: ["TMPDIR": temporary.path])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen: [(path: String, mode: Int, isFolder: Bool)] = []
        var scratchModes: Set<Int> = []
        while process.isRunning {
            let now = Self.modes(under: scratch)
            if now.contains(where: { $0.path.hasSuffix(".sqlite") }) {
                seen = now
                scratchModes.insert(Self.mode(scratch.path))
                scratchModes.insert(Self.mode(scratch.deletingLastPathComponent().path))
            }
            usleep(2_000)
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(seen.contains { $0.path.hasSuffix(".sqlite") }, "the rehearsal copy was never seen in \(scratch.path)")
        for entry in seen {
            #expect(entry.mode == (entry.isFolder ? 0o700 : 0o600), "\(entry.path) is \(String(entry.mode, radix: 8))")
        }
        #expect(scratchModes == [0o700], "the backups and scratch folders: \(scratchModes)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: scratch.path), "the rehearsal left its scratch folder")
    }

    @Test("a writing command removes a dead run's scratch folder and an old passfile, keeps a live run's")
    func leftoversRemoved() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate").exitCode == 0)
        let scratch = workspace.root.appendingPathComponent("backups/.lifeboat-scratch")
        func run(_ name: String, locked: Bool) throws -> Int32 {
            let folder = scratch.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("copy".utf8).write(to: folder.appendingPathComponent("x.sqlite"))
            let owner = open(folder.appendingPathComponent("owner").path, O_RDWR | O_CREAT, 0o600)
            if locked { flock(owner, LOCK_EX) }
            return owner
        }
        let dead = try run("run-dead", locked: false)
        close(dead)
        let live = try run("run-live", locked: true)
        defer { close(live) }
        try workspace.write("backups/lifeboat-pgpass-1234", "*:*:*:*:secret\n")
        try workspace.write("backups/lifeboat-pg_dump-1234.stderr", "pg_dump: error\n")

        let result = try workspace.run("snapshot")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("run-dead").path))
        #expect(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("run-live/x.sqlite").path))
        #expect(!workspace.exists("backups/lifeboat-pgpass-1234"))
        #expect(!workspace.exists("backups/lifeboat-pg_dump-1234.stderr"))
    }

    @Test("a backups folder others can read gets a warning naming chmod 700")
    func openFolderWarning() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate").exitCode == 0)
        chmod(workspace.path("backups"), 0o755)
        let result = try workspace.run("snapshot")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stderr.contains("chmod 700 \(workspace.path("backups"))"), "\(result.stderr)")
        chmod(workspace.path("backups"), 0o700)
        #expect(!(try workspace.run("snapshot").stderr.contains("chmod 700")))
    }
}
