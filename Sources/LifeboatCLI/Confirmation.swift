import Foundation
import LifeboatKit

/// Asks before a command replaces data: on a terminal it prompts; without one it needs `--yes`
/// (exit 2, nothing changed, otherwise).
enum Confirmation {
    static func require(_ command: String, yes: Bool, question: String) throws {
        if yes { return }
        guard isatty(STDIN_FILENO) == 1 else { throw ConfigurationError.confirmationRequired(command: command) }
        FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard answer == "y" || answer == "yes" else {
            throw ConfigurationError.badOption(flag: command, value: answer, reason: "not confirmed; nothing was changed")
        }
    }
}
