import Foundation
import TestSupport
import Testing

/// The progress display on a real terminal (a pseudo-terminal from `script(1)`): each draw
/// clears the line first, shows the phase, done/total, percentage and rate, the finished state is
/// drawn once per phase and ends its line; nothing at all with `--quiet` or without a terminal.
@Suite struct ProgressDisplayTests {
    /// Starts of a draw: carriage return, then "erase to end of line".
    static let draw = "\r\u{1B}[K"

    /// A ~24 MB database of random bytes (incompressible, so compressing it takes a while).
    func bigDatabase() throws -> Workspace {
        let workspace = try Workspace()
        _ = try Shell.run("sqlite3", [workspace.path("app.sqlite"), """
            CREATE TABLE blobs (b BLOB);
            WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 240)
            INSERT INTO blobs SELECT randomblob(100000) FROM n;
            """])
        return workspace
    }

    /// Runs `lifeboat ARGS…` on a pseudo-terminal; what the terminal received (stdout and stderr).
    func onTerminal(_ workspace: Workspace, _ arguments: [String]) throws -> (exitCode: Int32, screen: String) {
        let command = ([LifeboatBinary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let env = ChildProcess.environment(dropping: { $0 == "DATABASE_URL" || $0.hasPrefix("LIFEBOAT_") || $0 == "NO_COLOR" },
                                           adding: [:])
        let result = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/script"), ["-qfec", command, "/dev/null"],
                                          in: workspace.root, environment: env)
        return (result.exitCode, result.stdout)
    }

    /// The draws of one phase: the text after each "\r ESC[K" that starts with `phase`.
    func draws(_ screen: String, phase: String) -> [String] {
        screen.components(separatedBy: Self.draw).dropFirst().filter { $0.hasPrefix(phase + "  ") }
    }

    @Test func snapshotDrawsTotalPercentageAndRateAndEndsItsLine() throws {
        let workspace = try bigDatabase()
        let (exitCode, screen) = try onTerminal(workspace, ["snapshot"])
        #expect(exitCode == 0, "\(screen)")
        let drawn = draws(screen, phase: "snapshot")
        #expect(!drawn.isEmpty, "no progress drawn: \(screen.debugDescription)")
        // Every draw of the bar starts by clearing the line (no "4.7 MB/s/s" left behind).
        let bareReturns = screen.replacingOccurrences(of: Self.draw, with: "").replacingOccurrences(of: "\r\n", with: "\n")
        #expect(!bareReturns.contains("\r"), "\(screen.debugDescription)")
        for line in drawn {
            #expect(line.range(of: #"^snapshot  \[[#-]{24}\]  \d{1,3}%  [\d.]+ [KMG]?B/[\d.]+ [KMG]?B  [\d.]+ [KMG]?B/s"#,
                               options: .regularExpression) != nil, "\(line.debugDescription)")
        }
        let finished = drawn.filter { $0.contains("] 100%") || $0.contains("100%") }
        #expect(finished.count == 1, "the finished state is drawn once: \(drawn)")
        // It ends its line: the command's own output starts on the next one.
        #expect(drawn.last?.range(of: #"B/s\r?\nsnapshot \d{8}T"#, options: .regularExpression) != nil,
                "\(drawn.last.debugDescription)")
    }

    @Test func restoreDrawsEachPhaseOnceAndFinishesOnce() throws {
        let workspace = try bigDatabase()
        #expect(try workspace.run("snapshot").exitCode == 0)
        let (exitCode, screen) = try onTerminal(workspace, ["restore", "latest", "--yes"])
        #expect(exitCode == 0, "\(screen)")
        let restore = draws(screen, phase: "restore")
        #expect(restore.filter { $0.contains("100%") }.count == 1, "\(restore)")
        #expect(restore.last?.hasSuffix("\n") == true || restore.last?.contains("B/s\r\n") == true, "\(restore.last.debugDescription)")
        #expect(draws(screen, phase: "snapshot").filter { $0.contains("100%") }.count == 1, "the safety snapshot, once")
    }

    @Test func quietOrNoTerminalDrawsNothing() throws {
        let workspace = try bigDatabase()
        let quiet = try onTerminal(workspace, ["snapshot", "--quiet"])
        #expect(quiet.exitCode == 0)
        #expect(!quiet.screen.contains(Self.draw))
        let piped = try workspace.run("snapshot")
        #expect(piped.exitCode == 0)
        #expect(!piped.stderr.contains("\u{1B}") && !piped.stderr.contains("\r"))
    }
}
