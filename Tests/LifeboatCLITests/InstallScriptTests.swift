import Foundation
import TestSupport
import Testing

/// `scripts/install.sh --prefix DIR` with the already-built binary: a working `DIR/bin/lifeboat`,
/// a man page `man -l` renders, and bash completions that complete subcommands.
@Suite struct InstallScriptTests {
    @Test func installsIntoAPrefixAndTheInstalledBinaryMigrates() throws {
        let repository = try ScratchRepository()
        let prefix = repository.root.appendingPathComponent("prefix with space")
        let result = try repository.runScript("install.sh", ["--prefix", prefix.path])
        #expect(result.exitCode == 0, "\(result.output)")
        let files = ["bin/lifeboat", "share/man/man1/lifeboat.1", "share/bash-completion/completions/lifeboat",
                     "share/zsh/site-functions/_lifeboat", "share/fish/vendor_completions.d/lifeboat.fish"]
        for file in files {
            let path = prefix.appendingPathComponent(file).path
            #expect(FileManager.default.fileExists(atPath: path), "\(file)")
            #expect(result.stdout.contains(path), "it prints what it installed: \(file)")
        }
        let installed = prefix.appendingPathComponent("bin/lifeboat")
        let migrate = try ChildProcess.run(installed, ["migrate", "-d", "sqlite:installed.sqlite"], in: repository.repo,
                                           environment: ChildProcess.environment(dropping: { $0 == "DATABASE_URL" || $0.hasPrefix("LIFEBOAT") }))
        #expect(migrate.exitCode == 0, "\(migrate.stderr)")
        #expect(FileManager.default.fileExists(atPath: repository.path("installed.sqlite")))

        let page = prefix.appendingPathComponent("share/man/man1/lifeboat.1").path
        let man = try ChildProcessRunner.bash("MANWIDTH=100 man -l \"$1\" 2>&1", [page])
        #expect(man.exitCode == 0, "\(man.stdout)")
        for text in ["LIFEBOAT(1)", "Exit codes:", "--database-url", "--timeout"] {
            #expect(man.stdout.contains(text), "\(text)")
        }

        let completion = prefix.appendingPathComponent("share/bash-completion/completions/lifeboat").path
        let complete = try ChildProcessRunner.bash("""
            source "$1"
            COMP_WORDS=(lifeboat mig); COMP_CWORD=1; COMP_LINE="lifeboat mig"; COMP_POINT=${#COMP_LINE}
            _lifeboat lifeboat mig lifeboat
            printf '%s\\n' "${COMPREPLY[@]}"
            """, [completion])
        #expect(complete.stdout.split(separator: "\n") == ["migrate"], "\(complete.stdout) \(complete.stderr)")
    }

    @Test func aMissingBinaryIsRefused() throws {
        let repository = try ScratchRepository(migrations: [])
        let prefix = repository.root.appendingPathComponent("prefix")
        let result = try repository.runScript("install.sh", ["--prefix", prefix.path, "--binary", "/nowhere/lifeboat"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("/nowhere/lifeboat"))
        #expect(!FileManager.default.fileExists(atPath: prefix.path))
    }
}
