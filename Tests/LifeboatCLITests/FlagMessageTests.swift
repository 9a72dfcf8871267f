import Foundation
import Testing

/// Messages for values that are wrong in a small way name the flag or command and the fix.
@Suite struct FlagMessageTests {
    /// `--keep -1` reaches the range check (ArgumentParser would read `-1` as a flag and say
    /// "Missing value"); `--keep=-1` says the same.
    @Test(arguments: [["--keep", "-1"], ["--keep=-1"]])
    func negativeKeepSaysTheValueMustNotBeNegative(_ flag: [String]) throws {
        let workspace = try Workspace()
        let result = try LifeboatBinary.run(["migrate"] + flag, in: workspace.root)
        #expect(result.exitCode == 2, "\(result.stderr)")
        #expect(result.stderr.contains("bad --keep '-1': use a count ≥ 0"), "\(result.stderr)")
        #expect(!result.stderr.contains("Missing value"))
        #expect(!workspace.exists("app.sqlite"), "nothing was changed")
    }

    /// The other numeric options take a negative value the same way and say what is allowed.
    @Test(arguments: [
        (["migrate", "--lock-timeout", "-1"], "bad --lock-timeout '-1.0': use a number of seconds ≥ 0"),
        (["migrate", "--compression-level", "-3"], "bad --compression-level '-3': use a zlib level from 1 to 9"),
        (["migrate", "--statement-lock-timeout", "-5"], "bad --statement-lock-timeout '-5': use milliseconds ≥ 0"),
        (["rollback", "--steps", "-2", "--yes"], "--steps must be at least 1"),
    ])
    func negativeNumbersReachTheirRangeCheck(_ arguments: [String], _ message: String) throws {
        let workspace = try Workspace()
        let result = try LifeboatBinary.run(arguments, in: workspace.root)
        #expect(result.exitCode == 2, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("Missing value"))
    }

    /// `baseline 0099` for a version not in the folder speaks of baseline, not of `--target`.
    @Test func baselineOfAnUnknownVersionSpeaksOfBaseline() throws {
        let workspace = try Workspace()
        #expect(FileManager.default.createFile(atPath: workspace.path("app.sqlite"), contents: nil))
        let result = try workspace.run("baseline", "0099", "--yes")
        #expect(result.exitCode == 2, "\(result.stderr)")
        #expect(result.stderr.contains("baseline 0099 names no migration in the migrations folder"), "\(result.stderr)")
        #expect(!result.stderr.contains("--target"))
    }
}
