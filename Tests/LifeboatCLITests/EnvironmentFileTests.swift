import Foundation
import Testing

/// SPEC "Command-line conventions": `.env` / `--env-file` fill variables that are not set,
/// dbmate-style; `--no-env-file` ignores the file.
@Suite struct EnvironmentFileTests {
    static let dotEnv = """
        # the developer's settings
        export DATABASE_URL="sqlite:from-dotenv.sqlite"   
        LIFEBOAT_BACKUPS='dotenv-backups' # a trailing comment

        LIFEBOAT_KEEP=3 # kept snapshots
        """

    @Test func dotEnvFillsUnsetVariables() throws {
        let workspace = try Workspace()
        try workspace.write(".env", Self.dotEnv)
        let result = try workspace.run("migrate")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(workspace.exists("from-dotenv.sqlite"))
        #expect(workspace.exists("dotenv-backups"))
        #expect(!workspace.exists("app.sqlite"))
    }

    @Test func theEnvironmentWinsOverTheFile() throws {
        let workspace = try Workspace()
        try workspace.write(".env", Self.dotEnv)
        let result = try workspace.run("migrate", environment: ["DATABASE_URL": "sqlite:from-environment.sqlite"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(workspace.exists("from-environment.sqlite"))
        #expect(!workspace.exists("from-dotenv.sqlite"))
        #expect(workspace.exists("dotenv-backups"), "unset variables are still filled")
    }

    @Test func noEnvFileIgnoresIt() throws {
        let workspace = try Workspace()
        try workspace.write(".env", Self.dotEnv)
        let result = try workspace.run("--no-env-file", "migrate")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(workspace.exists("app.sqlite"))
        #expect(!workspace.exists("from-dotenv.sqlite") && !workspace.exists("dotenv-backups"))
    }

    @Test func anExplicitFileIsReadAndMustExist() throws {
        let workspace = try Workspace()
        try workspace.write("config/deploy.env", "DATABASE_URL=sqlite:from-flag-file.sqlite\n")
        #expect(try workspace.run("migrate", "--env-file", "config/deploy.env").exitCode == 0)
        #expect(workspace.exists("from-flag-file.sqlite"))
        let missing = try workspace.run("status", "--env-file", "nowhere.env")
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.contains("--env-file 'nowhere.env': no such file"), "\(missing.stderr)")
    }

    @Test func aBadLineNamesTheFileAndLineAndChangesNothing() throws {
        let workspace = try Workspace()
        try workspace.write(".env", "DATABASE_URL=sqlite:never.sqlite\nthis is not an assignment\n")
        let result = try workspace.run("migrate")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains(".env:2"), "\(result.stderr)")
        #expect(!workspace.exists("never.sqlite") && !workspace.exists("app.sqlite"))
    }
}
