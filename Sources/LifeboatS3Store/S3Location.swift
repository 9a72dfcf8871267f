import Foundation

/// Where an S3 snapshot store is: `s3://BUCKET/PREFIX`, optionally `?path_style=true` (SPEC
/// "Snapshot stores"). Credentials never come from here: a location with `user@` is refused, so a
/// key pasted into `--backups` can neither be used nor echoed.
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    public let bucket: String
    /// The key prefix without slashes at either end; empty for the bucket's root.
    public let prefix: String
    /// `?path_style=true`: path-style addressing, as `LIFEBOAT_S3_PATH_STYLE=1`.
    public let pathStyle: Bool

    /// A bad location, in words for a `--backups` error.
    public struct Invalid: Error, Equatable {
        public let reason: String
    }

    /// Whether `text` names an S3 location rather than a folder.
    public static func isS3(_ text: String) -> Bool {
        text.lowercased().hasPrefix("s3://")
    }

    /// Parses `s3://BUCKET[/PREFIX][?path_style=true|false]`.
    /// - Throws: `Invalid` for a missing bucket, credentials in the URL, or an unknown query parameter.
    public init(_ text: String) throws(Invalid) {
        guard Self.isS3(text) else { throw Invalid(reason: "an S3 location starts with s3://") }
        var rest = Substring(text.dropFirst("s3://".count))
        var pathStyle = false
        if let question = rest.firstIndex(of: "?") {
            for item in rest[rest.index(after: question)...].split(separator: "&") {
                let pair = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.first == "path_style" else {
                    throw Invalid(reason: "unknown parameter '\(pair.first ?? "")' (only path_style=true is understood)")
                }
                let value = pair.count == 2 ? pair[1].lowercased() : "true"
                guard ["true", "1", "false", "0"].contains(value) else {
                    throw Invalid(reason: "path_style takes true or false")
                }
                pathStyle = value == "true" || value == "1"
            }
            rest = rest[..<question]
        }
        let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let bucket = parts.first.map(String.init) ?? ""
        guard !bucket.contains("@") else {
            throw Invalid(reason: "credentials do not go in the location; use AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE")
        }
        guard !bucket.isEmpty, bucket.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "." }) else {
            throw Invalid(reason: "give a bucket name (lower-case letters, digits, '-' and '.'): s3://BUCKET/PREFIX")
        }
        self.bucket = bucket
        prefix = parts.count == 2 ? parts[1].split(separator: "/").joined(separator: "/") : ""
        self.pathStyle = pathStyle
    }

    init(bucket: String, prefix: String, pathStyle: Bool) {
        self.bucket = bucket
        self.prefix = prefix
        self.pathStyle = pathStyle
    }

    /// `s3://BUCKET/PREFIX`, for messages.
    public var description: String { url(of: nil) }

    /// The key of an object named `name` in this location.
    public func key(_ name: String) -> String {
        prefix.isEmpty ? name : prefix + "/" + name
    }

    /// What every key of this location starts with (`PREFIX/`, or nothing at the root).
    var keyPrefix: String { prefix.isEmpty ? "" : prefix + "/" }

    /// `s3://BUCKET/PREFIX/NAME` (or the location itself for nil).
    public func url(of name: String?) -> String {
        let path = name.map(key) ?? prefix
        return "s3://\(bucket)" + (path.isEmpty ? "" : "/" + path)
    }

    /// Splits `s3://BUCKET/PREFIX/NAME` into the location holding it and `NAME`.
    static func object(_ text: String) -> (S3Location, String)? {
        guard let location = try? S3Location(text), !location.prefix.isEmpty else { return nil }
        let prefix = location.prefix
        guard let slash = prefix.lastIndex(of: "/") else {
            return (S3Location(bucket: location.bucket, prefix: "", pathStyle: location.pathStyle), prefix)
        }
        return (S3Location(bucket: location.bucket, prefix: String(prefix[..<slash]), pathStyle: location.pathStyle),
                String(prefix[prefix.index(after: slash)...]))
    }
}
