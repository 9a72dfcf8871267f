import Foundation
import Testing

/// Issue 15, item 3 (start-up): the binary does not load libpq at start; it loads it on the first
/// PostgreSQL connection, and a libpq that cannot be loaded is a clear configuration error (exit 2)
/// for a PostgreSQL URL only.
@Suite struct LibPQLoadingTests {
    @Test("the dynamic loader maps no libpq when the binary starts")
    func noLibpqAtStart() throws {
        let workspace = try Workspace(exampleMigrations: false)
        // glibc's loader lists the libraries it maps at start, then exits (what `ldd` does).
        let result = try workspace.run("--version", environment: ["LD_TRACE_LOADED_OBJECTS": "1"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("libsqlite3"), "not a loader listing: \(result.stdout)")
        #expect(!result.stdout.contains("libpq"), "\(result.stdout)")
    }

    /// A PostgreSQL command line starts loading libpq (and readying OpenSSL) on a thread at once;
    /// a run that ends first (a usage error) used to exit under that thread's feet, and crashed
    /// about one time in ten with SIGSEGV. Exit now waits for the warm-up.
    @Test("a run that exits while libpq is still loading exits cleanly, every time")
    func exitDuringTheWarmUpIsClean() throws {
        let workspace = try Workspace(exampleMigrations: false)
        let environment = ["DATABASE_URL": "postgres://alice:pw@127.0.0.1:9/app"]
        var codes: [Int32: Int] = [:]
        for _ in 0..<40 {
            let result = try workspace.run("status", "--no-such-flag", environment: environment)
            codes[result.exitCode, default: 0] += 1
        }
        #expect(codes == [2: 40], "exit codes and how often: \(codes)")
        // Commands that open no database start no warm-up at all.
        let version = try workspace.run("--version", environment: environment.merging(["LD_DEBUG": "files"]) { $1 })
        #expect(version.exitCode == 0 && !version.stderr.contains("libpq"), "\(version.stderr.suffix(400))")
    }

    /// libpq's SCRAM rounds must reach the binary's `HMAC_Init_ex` (SCRAMDigestShim), which only
    /// works while the binary exports it; a link change that stopped exporting it would silently
    /// bring back OpenSSL's slow path. The loader says where it binds each symbol.
    @Test("libpq binds HMAC_Init_ex to the binary's shim")
    func libpqBindsTheShim() throws {
        #if os(Linux)
        let workspace = try Workspace(exampleMigrations: false)
        // Nothing listens on port 9: libpq loads (and binds) all the same, then the run exits 2.
        let result = try workspace.run("status", "-d", "postgres://alice:pw@127.0.0.1:9/app",
                                       environment: ["LD_DEBUG": "bindings"])
        #expect(result.exitCode == 2, "\(result.stderr.suffix(400))")
        let binding = result.stderr.split(separator: "\n").first { $0.contains("`HMAC_Init_ex'") && $0.contains("libpq.so") }
        // "binding file …/libpq.so.5 [0] to …/lifeboat [0]: normal symbol `HMAC_Init_ex' [OPENSSL_3.0.0]"
        #expect(binding?.contains("to \(LifeboatBinary.path) [") == true,
                "libpq's HMAC_Init_ex: \(binding.map(String.init) ?? "not bound at all")")
        #endif
    }

    @Test("SQLite works when libpq cannot be loaded")
    func sqliteNeedsNoLibpq() throws {
        let workspace = try Workspace()
        let missing = workspace.path("nowhere/libpq.so.5")
        let migrate = try workspace.run("migrate", "-d", "sqlite:app.sqlite", environment: ["LIFEBOAT_LIBPQ": missing])
        #expect(migrate.exitCode == 0, "\(migrate.stderr)")
        let status = try workspace.run("status", "-d", "sqlite:app.sqlite", environment: ["LIFEBOAT_LIBPQ": missing])
        #expect(status.exitCode == 0, "\(status.stderr)")
    }

    @Test("a PostgreSQL URL without a loadable libpq exits 2, names the library, hides the password")
    func postgresWithoutLibpq() throws {
        let workspace = try Workspace()
        let missing = workspace.path("nowhere/libpq.so.5")
        let url = "postgres://alice:s3cret-pw@127.0.0.1:9/app"
        let text = try workspace.run("status", "-d", url, environment: ["LIFEBOAT_LIBPQ": missing])
        #expect(text.exitCode == 2, "\(text.stderr)")
        #expect(text.stderr.contains("cannot load libpq (\(missing))"), "\(text.stderr)")
        #expect(!text.stderr.contains("s3cret-pw") && !text.stdout.contains("s3cret-pw"))
        let json = try workspace.run("migrate", "-d", url, "--format", "json", environment: ["LIFEBOAT_LIBPQ": missing])
        #expect(json.exitCode == 2, "\(json.stderr)")
        let error = try #require(try json.json()["error"] as? [String: Any])
        #expect(error["kind"] as? String == "usage", "\(error)")
        #expect((error["message"] as? String)?.contains("cannot load libpq") == true, "\(error)")
        #expect(!json.stdout.contains("s3cret-pw") && !json.stderr.contains("s3cret-pw"))
        #expect(!workspace.exists("backups"), "a snapshot was attempted")
    }
}
