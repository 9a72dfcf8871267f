import Foundation
import Testing

/// SPEC "Command-line conventions": `lifeboat --generate-completion-script bash|zsh|fish`; the
/// bash script, loaded in a real bash, completes the subcommands.
@Suite struct CompletionScriptTests {
    @Test func bashCompletesSubcommands() throws {
        let folder = try Workspace(exampleMigrations: false)
        let script = """
            source <("$1" --generate-completion-script bash)
            COMP_WORDS=(lifeboat "$2"); COMP_CWORD=1; COMP_LINE="lifeboat $2"; COMP_POINT=${#COMP_LINE}
            _lifeboat lifeboat "$2" lifeboat
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try ChildProcessRunner.bash(script, [LifeboatBinary.path, "ro"], in: folder.root)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").contains("rollback"), "\(result.stdout)")
        let all = try ChildProcessRunner.bash(script, [LifeboatBinary.path, ""], in: folder.root)
        for command in ["migrate", "create", "wait", "status"] {
            #expect(all.stdout.split(separator: "\n").contains(Substring(command)), "\(all.stdout)")
        }
    }

    @Test(arguments: ["zsh", "fish"])
    func otherShellsGetAScript(shell: String) throws {
        let result = try Workspace(exampleMigrations: false).run("--generate-completion-script", shell)
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("migrate") && result.stdout.contains("wait"))
    }
}
