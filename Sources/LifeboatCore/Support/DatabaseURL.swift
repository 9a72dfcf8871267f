import Foundation

/// A parsed `--database-url`: which engine, where, and how to show it without its password.
///
/// Accepted forms (SPEC "Configuration"): `sqlite:relative/path.db`, `sqlite:/abs/path.db`,
/// `sqlite:///abs/path.db`, `file:path.db`, and `postgres://` / `postgresql://` URLs with user,
/// password, host, port, database and libpq query parameters.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public enum Engine: String, Sendable, Codable {
        case sqlite
        case postgres
    }

    /// The engine the URL names.
    public let engine: Engine
    /// The URL as the user wrote it. Holds the password: never print it; use `redacted`.
    public let original: String

    // SQLite
    /// The database file, resolved against the current directory (SQLite only).
    public let path: String?

    // PostgreSQL
    public let user: String?
    public let password: String?
    public let host: String?
    public let port: Int?
    public let database: String?
    /// Query parameters in the order written (`sslmode`, `application_name`, `host`, …).
    public let parameters: [(String, String)]

    public static func == (lhs: DatabaseURL, rhs: DatabaseURL) -> Bool { lhs.original == rhs.original }

    /// Parses a URL; throws `ConfigurationError.badDatabaseURL` naming the problem.
    public init(_ text: String, relativeTo base: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) throws {
        original = text
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let colon = trimmed.firstIndex(of: ":") else {
            throw ConfigurationError.badDatabaseURL(redacted: Self.redact(text), reason: "it has no scheme; use sqlite:PATH or postgres://…")
        }
        let scheme = trimmed[..<colon].lowercased()
        var rest = String(trimmed[trimmed.index(after: colon)...])
        switch scheme {
        case "sqlite", "sqlite3", "file":
            engine = .sqlite
            if rest.hasPrefix("//") {
                rest.removeFirst(2)
                // sqlite:///abs → "/abs"; sqlite://rel is unusual but means rel.
            }
            if let q = rest.firstIndex(of: "?") { rest = String(rest[..<q]) }
            rest = rest.removingPercentEncoding ?? rest
            guard !rest.isEmpty else {
                throw ConfigurationError.badDatabaseURL(redacted: text, reason: "the SQLite URL names no file")
            }
            path = rest.hasPrefix("/") ? URL(fileURLWithPath: rest).standardizedFileURL.path
                : base.appendingPathComponent(rest).standardizedFileURL.path
            user = nil; password = nil; host = nil; port = nil; database = nil; parameters = []
        case "postgres", "postgresql":
            engine = .postgres
            path = nil
            guard let components = URLComponents(string: trimmed), rest.hasPrefix("//") else {
                throw ConfigurationError.badDatabaseURL(redacted: Self.redact(text), reason: "it is not a valid postgres://user:password@host:port/database URL")
            }
            user = components.user.flatMap { $0.removingPercentEncoding ?? $0 }
            password = components.password.flatMap { $0.removingPercentEncoding ?? $0 }
            let h = components.host.flatMap { $0.removingPercentEncoding ?? $0 }
            host = (h?.isEmpty ?? true) ? nil : h
            if let p = components.port, !(1...65535).contains(p) {
                throw ConfigurationError.badDatabaseURL(redacted: Self.redact(text), reason: "port \(p) is out of range")
            }
            port = components.port
            var db = components.path
            if db.hasPrefix("/") { db.removeFirst() }
            db = db.removingPercentEncoding ?? db
            database = db.isEmpty ? nil : db
            parameters = (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }
        default:
            throw ConfigurationError.badDatabaseURL(redacted: Self.redact(text), reason: "unknown scheme '\(scheme)'; use sqlite:, file:, postgres:// or postgresql://")
        }
    }

    /// What identifies the database among the snapshots of a shared backups folder, known without
    /// connecting: the SQLite file's absolute path; PostgreSQL `postgres://host:port/database`
    /// (no user, no password), in the canonical form of `canonicalIdentity`.
    public var identity: String {
        switch engine {
        case .sqlite:
            return path ?? original
        case .postgres:
            let socket = parameters.last(where: { $0.0 == "host" })?.1
            return Self.canonicalIdentity("postgres://\(host ?? socket ?? "localhost"):\(port ?? 5432)/\(database ?? user ?? "")")
        }
    }

    /// Whether two identities (a target's, a manifest's) name the same database. Manifests written
    /// before identities were canonical (`127.0.0.1`, no port) still match.
    public static func sameIdentity(_ lhs: String, _ rhs: String) -> Bool {
        canonicalIdentity(lhs) == canonicalIdentity(rhs)
    }

    /// One spelling per PostgreSQL database: the local server's names (`localhost`, `127.0.0.1`,
    /// `::1`, a Unix-socket folder) become `localhost`, host names are lower-cased, and a missing
    /// port is 5432, so `localhost` and `127.0.0.1:5432` are one database. SQLite paths are kept.
    public static func canonicalIdentity(_ identity: String) -> String {
        let prefix = "postgres://"
        guard identity.hasPrefix(prefix) else { return identity }
        let rest = identity.dropFirst(prefix.count)
        // The database name follows the last '/' of the authority; a socket folder holds '/' too,
        // so split at the last '/'.
        guard let slash = rest.lastIndex(of: "/") else { return identity }
        var authority = String(rest[..<slash])
        let database = rest[rest.index(after: slash)...]
        var port = "5432"
        // Identities always end the authority with `:port`; a bare `::1` has none.
        if let colon = authority.lastIndex(of: ":"), authority != "::1",
           case let digits = authority[authority.index(after: colon)...], digits.allSatisfy(\.isNumber) {
            if !digits.isEmpty { port = String(digits) }
            authority = String(authority[..<colon])
        }
        var host = authority.lowercased()
        if ["", "localhost", "127.0.0.1", "::1", "[::1]"].contains(host) || host.hasPrefix("/") { host = "localhost" }
        return "\(prefix)\(host):\(port)/\(database)"
    }

    /// The URL with any password replaced by `***`, safe for output, logs and manifests.
    public var redacted: String { Self.redact(original) }

    public var description: String { redacted }

    /// Replaces the password part of `scheme://user:password@host` with `***`; other text is kept.
    public static func redact(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let afterScheme = text[schemeEnd.upperBound...]
        // The authority ends at the first '/', '?' or '#' after the scheme; the password is between
        // the first ':' and the last '@' inside it.
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        var result = text
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
            result = String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
        }
        // A password may also arrive as a query parameter.
        return redactPasswordParameters(result)
    }

    /// Each `?password=…` / `&password=…` (any case) with its value, up to the next `&` or `#`,
    /// replaced by `***`: what the regular expression `([?&]password=)[^&#]*` did, by hand,
    /// because compiling it started ICU's regex engine on every PostgreSQL command (about 1 ms of
    /// a `status`; README, "Start-up").
    static func redactPasswordParameters(_ text: String) -> String {
        let bytes = Array(text.utf8)
        let key = Array("password=".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            output.append(byte)
            index += 1
            guard byte == UInt8(ascii: "?") || byte == UInt8(ascii: "&"), bytes.count - index >= key.count,
                  zip(bytes[index..<index + key.count], key).allSatisfy({ asciiLowercase($0) == $1 }) else { continue }
            output.append(contentsOf: bytes[index..<index + key.count])
            index += key.count
            while index < bytes.count, bytes[index] != UInt8(ascii: "&"), bytes[index] != UInt8(ascii: "#") { index += 1 }
            output.append(contentsOf: "***".utf8)
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
