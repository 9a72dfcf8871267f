import Foundation
import Testing

/// Flags, environment variables and defaults, URL errors and exit code 2, through the binary.
@Suite struct ConfigurationTests {
    @Test func environmentIsUsedAndFlagsWin() throws {
        let workspace = try Workspace()
        let env = ["DATABASE_URL": "sqlite:from-env.sqlite"]
        #expect(try workspace.run("migrate", environment: env).exitCode == 0)
        #expect(workspace.exists("from-env.sqlite"))
        #expect(!workspace.exists("app.sqlite"))
        #expect(try workspace.run("migrate", "--database-url", "sqlite:from-flag.sqlite", environment: env).exitCode == 0)
        #expect(workspace.exists("from-flag.sqlite"))
        let migrationsEnv = try workspace.run("status", environment: ["LIFEBOAT_MIGRATIONS": "nowhere"])
        #expect(migrationsEnv.exitCode == 2)
        #expect(migrationsEnv.stderr.contains("nowhere"))
    }

    @Test(arguments: ["mysql://localhost/db", "no-scheme-here", "postgres://user:hunter2@[bad/db", "sqlite:"])
    func badURLIsAUsageError(url: String) throws {
        let workspace = try Workspace()
        let result = try workspace.run("status", "--database-url", url, "--format", "json")
        #expect(result.exitCode == 2)
        let json = try result.json()
        #expect((json["error"] as? [String: Any])?["kind"] as? String == "usage")
        #expect(!result.stdout.contains("hunter2") && !result.stderr.contains("hunter2"))
    }

    @Test func passwordIsNeverPrinted() throws {
        let workspace = try Workspace()
        let result = try workspace.run("status", "--database-url", "postgres://app:hunter2@127.0.0.1:1/appdb")
        #expect(result.exitCode == 2)
        #expect(!result.stdout.contains("hunter2") && !result.stderr.contains("hunter2"))
        #expect(result.stderr.contains("appdb") || result.stderr.contains("127.0.0.1"))
    }

    @Test func badFlagValuesAreUsageErrors() throws {
        let workspace = try Workspace()
        for arguments in [["migrate", "--lock-timeout", "soon"], ["migrate", "--compression-level", "12"],
                          ["migrate", "--history-table", "bad name"], ["migrate", "--no-such-flag"],
                          ["migrate", "--on-failure", "panic"]] {
            let result = try LifeboatBinary.run(arguments, in: workspace.root)
            #expect(result.exitCode == 2, "\(arguments): \(result.stderr)")
            #expect(!result.stderr.isEmpty)
        }
        let json = try LifeboatBinary.run(["migrate", "--no-such-flag", "--format", "json"], in: workspace.root)
        #expect(json.exitCode == 2)
        #expect(try json.json()["exit_code"] as? Int == 2)
    }

    @Test func versionIsPrinted() throws {
        let workspace = try Workspace()
        let result = try workspace.run("--version")
        #expect(result.exitCode == 0)
        #expect(result.stdout.range(of: #"^\d+\.\d+\.\d+"#, options: .regularExpression) != nil)
    }
}
