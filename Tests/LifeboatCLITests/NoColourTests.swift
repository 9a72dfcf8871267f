import Foundation
import Testing

/// SPEC "Command-line conventions": no colour or terminal control codes when the output is not a
/// terminal, nor with `NO_COLOR` (Lifeboat draws only a progress bar, and only on a terminal).
@Suite struct NoColourTests {
    @Test(arguments: [[:], ["NO_COLOR": "1"]])
    func noEscapeCodesWithoutATerminal(environment: [String: String]) throws {
        let workspace = try Workspace()
        for arguments in [["migrate", "-v"], ["status"], ["snapshots"], ["status", "-d", "sqlite:missing.sqlite"]] {
            let result = try LifeboatBinary.run(arguments, in: workspace.root, environment: environment)
            #expect(!result.stdout.contains("\u{1B}") && !result.stderr.contains("\u{1B}"), "\(arguments)")
        }
    }
}
