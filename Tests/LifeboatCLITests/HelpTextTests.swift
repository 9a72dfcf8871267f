import Foundation
import Testing

/// SPEC "Command-line conventions": each command's help lists its own flags before the
/// configuration flags, and the root help lists the exit codes.
@Suite struct HelpTextTests {
    @Test(arguments: [("status", "--exit-code"), ("migrate", "--target"), ("wait", "--timeout"), ("rollback", "--yes")])
    func commandFlagsComeBeforeConfigurationFlags(command: String, ownFlag: String) throws {
        let workspace = try Workspace()
        let help = try workspace.run(command, "--help")
        #expect(help.exitCode == 0)
        let own = try #require(help.stdout.range(of: ownFlag), "\(help.stdout)")
        let configuration = try #require(help.stdout.range(of: "--database-url"))
        #expect(own.lowerBound < configuration.lowerBound, "\(help.stdout)")
    }

    @Test func rootHelpListsExitCodesAndTheNewCommands() throws {
        let help = try Workspace().run("--help")
        #expect(help.exitCode == 0)
        #expect(help.stdout.contains("Exit codes:"))
        for line in ["0   success", "2   usage or configuration error", "6   lint found destructive", "10  status --exit-code"] {
            #expect(help.stdout.contains(line), "\(line)")
        }
        for command in ["create", "wait", "migrate, up", "rollback, down"] {
            #expect(help.stdout.contains(command), "\(command)")
        }
    }
}
