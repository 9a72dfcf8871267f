import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

@Suite("PostgreSQL client tools")
struct PostgresToolsTests {
    @Test("versions parse from --version lines, folder names and PQserverVersion",
          arguments: [
              ("pg_dump (PostgreSQL) 15.4 (Debian 15.4-1.pgdg120+1)", 150_004, "15", "15.4"),
              ("pg_dump (PostgreSQL) 9.6.24", 90_624, "9.6", "9.6.24"),
              ("16beta2", 160_000, "16", "16.0"),
              ("17", 170_000, "17", "17.0"),
          ])
    func parsing(text: String, number: Int, major: String, description: String) throws {
        let version = try #require(PostgresVersion(parsing: text))
        #expect(version.number == number)
        #expect(version.major == major)
        #expect(version.description == description)
        #expect(PostgresVersion(number: number) == version)
    }

    @Test("pg_dump must be at least the server's major version",
          arguments: [
              (150_004, 150_010, true), (150_010, 150_004, true), (160_000, 150_004, true),
              (140_009, 150_004, false), (90_624, 100_000, false), (100_000, 90_624, true), (90_500, 90_624, false),
          ])
    func dumpCompatibility(dump: Int, server: Int, allowed: Bool) throws {
        let check = {
            try PostgresTools.checkDump(version: PostgresVersion(number: dump), program: "/usr/bin/pg_dump",
                                        server: PostgresVersion(number: server))
        }
        if allowed {
            try check()
        } else {
            let error = try #require(throws: EngineError.self) { try check() }
            #expect(error.category == .snapshot)
            #expect(error.description.contains(PostgresVersion(number: dump).description))
            #expect(error.description.contains(PostgresVersion(number: server).description))
            #expect(error.description.contains("PostgreSQL \(PostgresVersion(number: server).major) client"))
        }
    }

    @Test("the bin folder from the options wins; otherwise PATH, then the newest /usr/lib/postgresql/*/bin")
    func locate() throws {
        try withScratchFolder { root in
            let files = FileManager.default
            func program(_ path: String) throws -> URL {
                let url = root.appendingPathComponent(path)
                try files.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try "#!/bin/sh\n".write(to: url, atomically: true, encoding: .utf8)
                try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
                return url
            }
            let chosen = try program("chosen/pg_dump")
            let onPath = try program("path/pg_dump")
            _ = try program("versions/9.6/bin/pg_dump")
            let newest = try program("versions/16/bin/pg_dump")
            _ = try program("versions/15/bin/pg_dump")
            let versioned = root.appendingPathComponent("versions").path

            #expect(try PostgresTools(binDirectory: chosen.deletingLastPathComponent().path, searchPath: [],
                                      versionedRoot: versioned).locate("pg_dump") == chosen)
            #expect(try PostgresTools(binDirectory: nil, searchPath: [root.appendingPathComponent("nothing").path, onPath.deletingLastPathComponent().path],
                                      versionedRoot: versioned).locate("pg_dump") == onPath)
            #expect(try PostgresTools(binDirectory: nil, searchPath: [], versionedRoot: versioned).locate("pg_dump") == newest)
            #expect(throws: EngineError.self) {
                try PostgresTools(binDirectory: root.appendingPathComponent("empty").path, searchPath: [onPath.deletingLastPathComponent().path],
                                  versionedRoot: versioned).locate("pg_dump")
            }
        }
    }

    @Test("Debian's pg_wrapper on PATH is bypassed for the server's own major version, when installed")
    func wrapperBypassed() throws {
        try withScratchFolder { root in
            let files = FileManager.default
            func program(_ path: String) throws -> URL {
                let url = root.appendingPathComponent(path)
                try files.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try "#!/bin/sh\n".write(to: url, atomically: true, encoding: .utf8)
                try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
                return url
            }
            let wrapper = try program("share/pg_wrapper")
            try files.createDirectory(at: root.appendingPathComponent("bin"), withIntermediateDirectories: true)
            let onPath = root.appendingPathComponent("bin/pg_dump")
            try files.createSymbolicLink(at: onPath, withDestinationURL: wrapper)
            let fifteen = try program("versions/15/bin/pg_dump")
            let plain = try program("other/pg_dump")
            let versioned = root.appendingPathComponent("versions").path
            let tools = PostgresTools(binDirectory: nil, searchPath: [onPath.deletingLastPathComponent().path],
                                      versionedRoot: versioned)

            #expect(try tools.locate("pg_dump") == onPath)
            #expect(tools.bypassingWrapper(onPath, serverMajor: "15") == fifteen)
            #expect(tools.bypassingWrapper(onPath, serverMajor: "16") == onPath, "no 16 installed: the wrapper decides")
            #expect(tools.bypassingWrapper(plain, serverMajor: "15") == plain, "not a wrapper: kept")
            let chosen = PostgresTools(binDirectory: onPath.deletingLastPathComponent().path, versionedRoot: versioned)
            #expect(chosen.bypassingWrapper(onPath, serverMajor: "15") == onPath, "an explicit bin folder is obeyed")
        }
    }

    @Test("a child is reaped as soon as it exits, not on Foundation's 50 ms poll")
    func childIsQuick() throws {
        try withScratchFolder { root in
            let script = root.appendingPathComponent("pg_dump")
            try "#!/bin/sh\necho 'pg_dump (PostgreSQL) 15.4'\n".write(to: script, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
            let tools = PostgresTools(binDirectory: root.path)
            let started = ContinuousClock.now
            for _ in 0..<10 {
                #expect(try tools.askVersion(of: script) == PostgresVersion(parsing: "15.4"))
            }
            // Ten children polled every 50 ms would take at least half a second.
            #expect(ContinuousClock.now - started < .milliseconds(400))
        }
    }

    @Test("--version is asked once per program file per process, and again once the file changes")
    func versionAskedOncePerProgram() throws {
        try withScratchFolder { root in
            let script = root.appendingPathComponent("pg_dump")
            let calls = root.appendingPathComponent("calls")
            func install(_ version: String) throws {
                try "#!/bin/sh\necho x >> '\(calls.path)'\necho 'pg_dump (PostgreSQL) \(version)'\n"
                    .write(to: script, atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
            }
            func callCount() throws -> Int {
                try String(contentsOf: calls, encoding: .utf8).split(separator: "\n").count
            }
            try install("15.4")
            let tools = PostgresTools(binDirectory: root.path)
            for _ in 0..<5 {
                #expect(try tools.version(of: script) == PostgresVersion(parsing: "15.4"))
            }
            #expect(try callCount() == 1)
            // An upgraded client (a new file in its place) is asked again.
            try install("16.2 (upgraded)")
            #expect(try tools.version(of: script) == PostgresVersion(parsing: "16.2"))
            #expect(try callCount() == 2)
        }
    }

    @Test("child environment: libpq variables, a nameless 0600 passfile, and nothing secret inherited")
    func clientEnvironment() throws {
        try withScratchFolder { scratch in
            let environment = try PostgresClientEnvironment(
                host: "db.internal", port: "6543", user: "app", database: "prod", password: "p:a\\ss",
                parameters: [("sslmode", "verify-full"), ("application_name", "x"), ("keepalives", "1")],
                applicationName: "lifeboat", scratch: scratch,
                inherited: ["PATH": "/usr/bin", "DATABASE_URL": "postgres://app:p:a\\ss@db/prod", "PGPASSWORD": "old", "LANG": "C.UTF-8"])
            defer { environment.cleanUp() }
            let variables = environment.variables
            #expect(variables["PGHOST"] == "db.internal")
            #expect(variables["PGPORT"] == "6543")
            #expect(variables["PGUSER"] == "app")
            #expect(variables["PGDATABASE"] == "prod")
            #expect(variables["PGSSLMODE"] == "verify-full")
            #expect(variables["PGAPPNAME"] == "lifeboat")
            #expect(variables["PATH"] == "/usr/bin")
            #expect(variables["LANG"] == "C.UTF-8")
            #expect(variables["DATABASE_URL"] == nil)
            #expect(variables["PGPASSWORD"] == nil)
            // SPEC v2: no named passfile (a kill would leave it); the child gets it as descriptor 3.
            #expect(variables["PGPASSFILE"] == "/dev/fd/3")
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
            let descriptor = try #require(environment.passfileDescriptor)
            let passfile = "/proc/self/fd/\(descriptor)"
            #expect(try String(contentsOfFile: passfile, encoding: .utf8) == "*:*:*:*:p\\:a\\\\ss\n")
            var info = stat()
            #expect(fstat(descriptor, &info) == 0 && info.st_mode & 0o777 == 0o600 && info.st_nlink == 0)
            #expect(environment.scrub("failed for p:a\\ss") == "failed for ***")
            environment.cleanUp()
            #expect(environment.passfileDescriptor == nil)
        }
    }

    @Test("schema normalisation drops volatile lines and folds blank runs")
    func normalise() {
        let dump = """
            --
            -- PostgreSQL database dump
            --

            \\restrict XYZ

            -- Dumped from database version 15.18
            -- Dumped by pg_dump version 15.18

            SET statement_timeout = 0;
            SELECT pg_catalog.set_config('search_path', '', false);


            CREATE TABLE public.t (
                id integer
            );



            \\unrestrict XYZ

            """
        #expect(PostgresEngine.normaliseSchema(dump) == """
            --
            -- PostgreSQL database dump
            --

            CREATE TABLE public.t (
                id integer
            );

            """)
    }
}
