import Foundation

/// The shared AWS files, `~/.aws/credentials` and `~/.aws/config`: INI sections of `key = value`.
/// In `credentials` a section is the profile name; in `config` it is `profile NAME` (and plain
/// `default`). Comments start with `#` or `;` at the start of a line.
struct AWSSharedConfig: Sendable {
    /// Section name → keys (lower-cased) → values.
    var sections: [String: [String: String]] = [:]

    init(text: String) {
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                current = name
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let section = current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            sections[section, default: [:]][key] = value
        }
    }

    init(contentsOf url: URL) {
        self.init(text: (try? String(contentsOf: url, encoding: .utf8)) ?? "")
    }

    /// The keys of `profile` in a credentials file (section `[NAME]`).
    func credentialsProfile(_ profile: String) -> [String: String]? {
        sections[profile]
    }

    /// The keys of `profile` in a config file (section `[profile NAME]`, or `[default]`).
    func configProfile(_ profile: String) -> [String: String]? {
        let spaced = sections.first { key, _ in
            let parts = key.split(separator: " ", omittingEmptySubsequences: true)
            return parts.count == 2 && parts[0] == "profile" && parts[1] == profile
        }?.value
        return spaced ?? (profile == "default" ? sections["default"] : nil)
    }
}
