import Foundation
import TestSupport
import Testing

/// The rollback prompt on a terminal lists what it will undo (version and description, newest
/// first); declining changes nothing. Without a terminal, `--yes` is still needed up front.
@Suite struct RollbackPromptTests {
    @Test func promptListsTheMigrationsItWillUndoAndDecliningChangesNothing() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate").exitCode == 0)
        let command = [LifeboatBinary.path, "rollback", "--steps", "2"].map { "'\($0)'" }.joined(separator: " ")
        let env = ChildProcess.environment(dropping: { $0 == "DATABASE_URL" || $0.hasPrefix("LIFEBOAT_") })
        let result = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/script"), ["-qfec", command, "/dev/null"],
                                          in: workspace.root, environment: env, stdin: "n\n")
        let screen = result.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(result.exitCode == 2, "declined: \(screen)")
        #expect(screen.contains("Roll back 2 migration(s) on sqlite:"), "\(screen)")
        #expect(screen.range(of: #"\n  0006  inbox_projects\n  0005  add_task_priority\nRun these down sections\? \[y/N\]"#,
                             options: .regularExpression) != nil, "\(screen)")
        #expect(try workspace.run("status", "--format", "json").json()["current_version"] as? String == "0006", "nothing was undone")
        let backups = (try? FileManager.default.contentsOfDirectory(atPath: workspace.path("backups"))) ?? []
        #expect(backups.filter { $0.hasSuffix(".json") }.count == 1, "no rollback snapshot was taken: \(backups)")
    }

    @Test func withoutATerminalYesIsNeeded() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate").exitCode == 0)
        let result = try workspace.run("rollback")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("pass --yes"))
    }
}
