import Foundation
import TestSupport
import Testing

/// On a terminal `restore` shows the chosen snapshot in its prompt, and a declined prompt is exit 2
/// with nothing changed, from `lifeboat` and from `scripts/restore.sh` alike. The terminal is a
/// pseudo-terminal made by `script(1)`, which passes our answer through.
@Suite struct RestoreConfirmationTests {
    /// Runs `command` (a shell command line) on a pseudo-terminal with `answer` typed in; the
    /// terminal's output (stdout and stderr together) and the command's exit code.
    private func onTerminal(_ command: String, answer: String, environment: [String: String]) throws -> ChildProcessResult {
        let env = ChildProcess.environment(dropping: { $0 == "DATABASE_URL" || $0.hasPrefix("LIFEBOAT") }, adding: environment)
        return try ChildProcess.tool("script", ["-q", "-e", "-c", command, "/dev/null"], environment: env, stdin: answer)
    }

    private func environment(_ setup: RestoreSetup) -> [String: String] {
        ["DATABASE_URL": setup.database.url, "LIFEBOAT_MIGRATIONS": setup.migrations, "LIFEBOAT_BACKUPS": setup.backups,
         "LIFEBOAT": LifeboatBinary.path]
    }

    @Test func declinedPromptIsExitTwoAndShowsTheChosenSnapshot() throws {
        let setup = try RestoreSetup(.sqlite)
        #expect(try setup.run(["migrate", "--target", "0004"]).exitCode == 0)
        #expect(try setup.run(["migrate"]).exitCode == 0)
        let latest = try #require(try setup.ids(reason: "migrate").max())

        let declined = try onTerminal("\"$LIFEBOAT\" restore latest", answer: "n\n", environment: environment(setup))
        #expect(declined.exitCode == 2, "\(declined.stdout)")
        #expect(declined.stdout.range(of: #"restoring snapshot \#(latest) \(reason migrate, no label, version 0004, taken \d+ s ago, [^)]+\)\s+Replace .* with it\? \[y/N\]"#,
                                      options: .regularExpression) != nil, "the prompt shows the chosen snapshot: \(declined.stdout)")
        #expect(declined.stdout.contains("restore was not confirmed; nothing was changed"))
        #expect(try setup.version() == "0006")
        #expect(try setup.ids(reason: "pre-restore").isEmpty)

        let script = setup.repository.path("scripts/restore.sh")
        let scriptDeclined = try onTerminal("\"\(script)\" latest", answer: "n\n", environment: environment(setup))
        #expect(scriptDeclined.exitCode == 2, "\(scriptDeclined.stdout)")
        #expect(scriptDeclined.stdout.contains("not confirmed"))
        #expect(try setup.version() == "0006")

        let accepted = try onTerminal("\"$LIFEBOAT\" restore latest", answer: "y\n", environment: environment(setup))
        #expect(accepted.exitCode == 0, "\(accepted.stdout)")
        #expect(try setup.version() == "0004")
    }

    @Test func restoreScriptHelpSaysADeclinedPromptIsExitTwo() throws {
        let repository = try ScratchRepository(migrations: [])
        let help = try repository.runScript("restore.sh", ["-h"])
        #expect(help.exitCode == 0)
        #expect(help.stdout.contains("or the prompt declined"))
    }
}
