import ArgumentParser

/// dbmate users type the configuration flags before the command (`lifeboat -d URL status`);
/// ArgumentParser reads them after it. This moves the leading ones behind the command name, and
/// refuses a flag given in both places (SPEC "Command-line conventions": a usage error, exit 2).
enum LeadingOptions {
    /// Configuration flags that take a value, by every name they answer to (first: the canonical).
    static let withValue: [[String]] = [
        ["--database-url", "-d"], ["--migrations"], ["--backups"], ["--history-table"], ["--lock-timeout"],
        ["--keep"], ["--compression-level"], ["--statement-lock-timeout"], ["--pg-bin"], ["--format"], ["--env-file"],
    ]
    /// Configuration flags without a value.
    static let switches: [[String]] = [["--quiet", "-q"], ["--verbose", "-v"], ["--no-env-file"]]

    /// `arguments` (without the program name) with leading configuration flags moved after the
    /// command. Anything else before the command (`--help`, `--version`, an unknown flag) stops the
    /// move and is left for ArgumentParser to judge.
    /// - Parameter checkingRepeats: false to reorder even when a flag is given twice (to name
    ///   the command in an error report).
    /// - Throws: `ValidationError` when a moved flag is also given after the command.
    static func reorder(_ arguments: [String], checkingRepeats: Bool = true) throws -> [String] {
        var leading: [(canonical: String, tokens: [String])] = []
        var index = 0
        while index < arguments.count, arguments[index].hasPrefix("-") {
            let token = arguments[index]
            let name = String(token.split(separator: "=", maxSplits: 1).first ?? "")
            if let names = withValue.first(where: { $0.contains(name) }) {
                let hasInlineValue = token.contains("=")
                guard hasInlineValue || index + 1 < arguments.count else { break }
                leading.append((names[0], hasInlineValue ? [token] : [token, arguments[index + 1]]))
                index += hasInlineValue ? 1 : 2
            } else if let names = switches.first(where: { $0.contains(token) }) {
                leading.append((names[0], [token]))
                index += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.count else { return arguments }
        let command = arguments[index]
        let rest = Array(arguments[(index + 1)...])
        for (canonical, _) in leading where checkingRepeats {
            let names = (withValue + switches).first { $0[0] == canonical } ?? [canonical]
            let repeated = rest.contains { token in
                names.contains { token == $0 || token.hasPrefix($0 + "=") }
            }
            if repeated {
                throw ValidationError("\(canonical) is given both before and after '\(command)'; give it once")
            }
        }
        return [command] + leading.flatMap(\.tokens) + rest
    }
}
