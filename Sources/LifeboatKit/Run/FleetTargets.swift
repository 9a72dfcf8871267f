import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One database of a fleet (SPEC "Fleets"): its URL as the targets file gave it (a glob already
/// expanded) and its position in the expanded list, which decides its shard.
public struct FleetTarget: Sendable, Equatable {
    /// Holds the password: never print it; use `redacted`.
    public let url: String
    /// 0-based position in the expanded list.
    public let position: Int

    public var redacted: String { DatabaseURL.redact(url) }

    public init(url: String, position: Int) {
        self.url = url
        self.position = position
    }
}

/// A bad `--targets` file or `--shard`/`--shards` value: a usage error (exit 2), raised before any
/// target starts, naming the file and line. Lines are shown redacted.
public enum FleetTargetsError: LifeboatError {
    case unreadable(file: String, reason: String)
    case badLine(file: String, line: Int, text: String, reason: String)
    case empty(file: String)
    case badShard(flag: String, value: String)

    public var category: ErrorCategory { .usage }

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "cannot read the --targets file '\(file)': \(reason)"
        case .badLine(let file, let line, let text, let reason):
            return "\(file):\(line): bad target '\(DatabaseURL.redact(text))': \(reason)"
        case .empty(let file):
            return "the --targets file '\(file)' lists no database"
        case .badShard(let flag, let value):
            return "bad \(flag) '\(value)': use I/N with 0 ≤ I < N (e.g. 0/4)"
        }
    }
}

/// Reads a targets file: one URL per line, `#` comments and blank lines allowed, SQLite globs
/// (`sqlite:tenants/*.sqlite`) expanded in sorted order, relative to the current folder.
public enum FleetTargets {
    public static func load(_ file: String) throws -> [FleetTarget] {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw FleetTargetsError.unreadable(file: file, reason: (error as NSError).localizedDescription)
        }
        return try parse(text, file: file)
    }

    /// Every line is checked before any target runs, so a typo on line 90 stops the fleet at once.
    public static func parse(_ text: String, file: String) throws -> [FleetTarget] {
        var urls: [String] = []
        for (index, raw) in text.components(separatedBy: "\n").enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if let pattern = sqliteGlob(line) {
                let matches = expand(pattern.path)
                guard !matches.isEmpty else {
                    throw FleetTargetsError.badLine(file: file, line: index + 1, text: line, reason: "the glob matches no file")
                }
                urls += matches.map { pattern.prefix + $0 }
                continue
            }
            do {
                _ = try DatabaseURL(line)
            } catch ConfigurationError.badDatabaseURL(_, let reason) {
                throw FleetTargetsError.badLine(file: file, line: index + 1, text: line, reason: reason)
            }
            urls.append(line)
        }
        guard !urls.isEmpty else { throw FleetTargetsError.empty(file: file) }
        return urls.enumerated().map { FleetTarget(url: $0.element, position: $0.offset) }
    }

    /// `sqlite:tenants/*.sqlite` → ("sqlite:", "tenants/*.sqlite"); nil for a line without glob
    /// characters or of another engine (a PostgreSQL URL is never expanded).
    static func sqliteGlob(_ line: String) -> (prefix: String, path: String)? {
        guard line.rangeOfCharacter(from: CharacterSet(charactersIn: "*?[")) != nil else { return nil }
        for scheme in ["sqlite://", "sqlite3://", "file://", "sqlite:", "sqlite3:", "file:"]
        where line.lowercased().hasPrefix(scheme) {
            let prefix = String(line.prefix(scheme.count))
            var path = String(line.dropFirst(scheme.count))
            if let query = path.firstIndex(of: "?"), path[query...].contains("=") { path = String(path[..<query]) }
            return (prefix, path)
        }
        return nil
    }

    /// The files `pattern` matches, sorted (glob(3) sorts them).
    static func expand(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { index in
            matches.gl_pathv[index].map { String(cString: $0) }
        }.sorted()
    }
}

/// `--shard I/N`: keeps the targets whose position is I modulo N, so N workers (a GitHub Actions
/// matrix, a Kubernetes Indexed Job) together run every target exactly once.
public struct FleetShard: Sendable, Equatable {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public init(parsing text: String, flag: String = "--shard") throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (0..<count).contains(index) else {
            throw FleetTargetsError.badShard(flag: flag, value: text)
        }
        self.init(index: index, count: count)
    }

    public func contains(_ target: FleetTarget) -> Bool { target.position % count == index }
}
