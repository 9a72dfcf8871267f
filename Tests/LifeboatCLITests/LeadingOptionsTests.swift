import Foundation
import Testing

/// SPEC "Command-line conventions": configuration flags before the command, as dbmate users type
/// them; `-q`/`-v`; `up`/`down` for `migrate`/`rollback`.
@Suite struct LeadingOptionsTests {
    @Test func flagsBeforeTheCommandEqualFlagsAfterIt() throws {
        let workspace = try Workspace()
        #expect(try workspace.run("migrate", "-d", "sqlite:lead.sqlite").exitCode == 0)
        let before = try workspace.run("-d", "sqlite:lead.sqlite", "--format", "json", "status")
        let after = try workspace.run("status", "-d", "sqlite:lead.sqlite", "--format", "json")
        #expect(before.exitCode == 0, "\(before.stderr)")
        #expect(before.stdout == after.stdout)
        #expect(try before.json()["current_version"] as? String == "0006")
        let inline = try workspace.run("--database-url=sqlite:lead.sqlite", "--migrations", "migrations", "status")
        let plain = try workspace.run("status", "-d", "sqlite:lead.sqlite")
        #expect(inline.exitCode == 0 && inline.stdout == plain.stdout)
    }

    @Test func aFlagInBothPlacesIsAUsageError() throws {
        let workspace = try Workspace()
        let result = try workspace.run("-d", "sqlite:a.sqlite", "migrate", "--database-url", "sqlite:b.sqlite")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("--database-url is given both before and after 'migrate'"), "\(result.stderr)")
        #expect(!workspace.exists("a.sqlite") && !workspace.exists("b.sqlite"))
        let quiet = try workspace.run("-q", "status", "--quiet")
        #expect(quiet.exitCode == 2 && quiet.stderr.contains("--quiet is given both"))
    }

    @Test func usageErrorsAsJSONNameTheCommandAfterLeadingFlags() throws {
        let workspace = try Workspace()
        for arguments in [["-d", "sqlite:j.sqlite", "--format", "json", "migrate", "--no-such-flag"],
                          ["-d", "sqlite:j.sqlite", "--format", "json", "status", "-d", "sqlite:k.sqlite"]] {
            let result = try LifeboatBinary.run(arguments, in: workspace.root)
            #expect(result.exitCode == 2)
            let json = try result.json()
            #expect(json["command"] as? String == arguments[4], "\(result.stdout)")
            #expect((json["error"] as? [String: Any])?["kind"] as? String == "usage")
        }
    }

    @Test func shortQuietAndVerbose() throws {
        let workspace = try Workspace()
        let verbose = try workspace.run("migrate", "-v", "-d", "sqlite:v.sqlite")
        let quiet = try workspace.run("-q", "migrate", "-d", "sqlite:q.sqlite")
        #expect(verbose.exitCode == 0 && quiet.exitCode == 0)
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
        #expect(verbose.stderr.count > quiet.stderr.count)
        #expect(try workspace.run("-q", "-v", "status").exitCode == 2)
        #expect(try workspace.run("--version").stdout.isEmpty == false)
    }

    @Test func upAndDownAreMigrateAndRollback() throws {
        let workspace = try Workspace()
        let up = try workspace.run("-d", "sqlite:ud.sqlite", "up", "--format", "json")
        #expect(up.exitCode == 0, "\(up.stderr)")
        #expect((try up.json()["migrations"] as? [Any])?.count == 6)
        let down = try workspace.run("down", "-d", "sqlite:ud.sqlite", "--yes", "--format", "json")
        #expect(down.exitCode == 0, "\(down.stderr)")
        let status = try workspace.run("status", "-d", "sqlite:ud.sqlite", "--format", "json").json()
        #expect(status["pending_count"] as? Int == 1, "\(status)")
    }
}
