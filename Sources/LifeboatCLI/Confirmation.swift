import Foundation
import LifeboatKit

/// Asks before a command replaces data: on a terminal it prompts; without one it needs `--yes`.
/// Both a missing `--yes` and a declined prompt are exit 2 with nothing changed: the command was
/// not allowed to run, which is what a script needs to tell apart from a failure (exit 1, 5).
enum Confirmation {
    /// Whether `require` will prompt (a terminal and no `--yes`).
    static func willPrompt(yes: Bool) -> Bool { !yes && isatty(STDIN_FILENO) == 1 }

    static func require(_ command: String, yes: Bool, question: String) throws {
        if yes { return }
        guard willPrompt(yes: yes) else { throw ConfigurationError.confirmationRequired(command: command) }
        FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard answer == "y" || answer == "yes" else { throw ConfigurationError.notConfirmed(command: command) }
    }
}
