import Foundation
import LifeboatKit

/// A dbmate-style `.env` file (SPEC "Command-line conventions"): `KEY=VALUE` lines, optional
/// `export `, single or double quotes, `#` comments. It only fills variables that are not already
/// set, so the real environment (a CI secret) always wins over a developer's file.
enum EnvironmentFile {
    /// The default file, read only when it exists in the current folder.
    static let defaultName = ".env"

    /// Reads `path` and sets every variable it names that is not set yet (`setenv` without
    /// overwrite, so libpq's `PGPASSWORD` & co. see them too).
    /// - Parameter required: false for the default `.env`, which may be absent.
    /// - Throws: `ConfigurationError.badOption` naming the file (and line) — exit 2.
    static func apply(_ path: String, required: Bool) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            if required { throw ConfigurationError.badOption(flag: "--env-file", value: path, reason: "no such file") }
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError.badOption(flag: "--env-file", value: path, reason: "cannot read it")
        }
        for (key, value) in try parse(String(decoding: data, as: UTF8.self), file: path) {
            setenv(key, value, 0)
        }
    }

    /// The assignments of a file, in order.
    /// - Throws: `ConfigurationError.badOption` naming `file:line` for a line that is not `KEY=VALUE`.
    static func parse(_ text: String, file: String) throws -> [(String, String)] {
        var assignments: [(String, String)] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "="),
                  case let key = line[..<equals].trimmingCharacters(in: .whitespaces),
                  !key.isEmpty, key.allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber }) else {
                throw ConfigurationError.badOption(flag: "--env-file", value: "\(file):\(index + 1)",
                                                   reason: "expected KEY=VALUE")
            }
            assignments.append((key, value(String(line[line.index(after: equals)...]))))
        }
        return assignments
    }

    /// A value without its quotes; an unquoted value ends at ` #` (a trailing comment).
    private static func value(_ raw: String) -> String {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if let quote = text.first, quote == "\"" || quote == "'",
           let closing = text.dropFirst().firstIndex(of: quote) {
            let inner = String(text[text.index(after: text.startIndex)..<closing])
            return quote == "\"" ? inner.replacingOccurrences(of: "\\n", with: "\n") : inner
        }
        if let comment = text.range(of: " #") { return String(text[..<comment.lowerBound]).trimmingCharacters(in: .whitespaces) }
        return text
    }
}
