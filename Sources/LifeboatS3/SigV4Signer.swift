import Crypto
import Foundation

/// AWS Signature Version 4 (header-based), as specified in "Create a signed AWS API request":
/// canonical request → string to sign → HMAC-SHA256 chain over date, region, service.
/// Checked against AWS's published test suite (Tests/LifeboatS3Tests/SigV4SignerTests.swift).
public struct SigV4Signer: Sendable {
    public var credentials: S3Credentials
    public var region: String
    public var service: String

    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The SHA-256 of an empty payload, hex.
    public static let emptyPayloadHash = SHA256.hash(data: Data()).hexString

    /// Signs a request: returns `headers` plus `x-amz-date`, `x-amz-security-token` (with a session
    /// token) and `Authorization`. `path` is already URI-encoded, as sent; `query` is raw (encoded
    /// here, as sent). Every header passed is signed; `host` is taken from `headers` (any case).
    public func sign(
        method: String,
        path: String,
        query: [(String, String)],
        headers: [String: String],
        payloadHash: String,
        date: Date
    ) -> [String: String] {
        let timestamp = Self.timestamp(date)
        let day = String(timestamp.prefix(8))
        var signed = headers
        signed["X-Amz-Date"] = timestamp
        if let token = credentials.sessionToken { signed["X-Amz-Security-Token"] = token }

        let canonicalHeaders = signed
            .map { ($0.key.lowercased(), Self.normalizeHeaderValue($0.value)) }
            .sorted { $0.0 < $1.0 }
        let signedHeaderNames = canonicalHeaders.map(\.0).joined(separator: ";")
        let canonicalRequest = [
            method,
            path.isEmpty ? "/" : path,
            Self.canonicalQuery(query),
            canonicalHeaders.map { "\($0.0):\($0.1)\n" }.joined(),
            signedHeaderNames,
            payloadHash,
        ].joined(separator: "\n")

        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256",
            timestamp,
            scope,
            SHA256.hash(data: Data(canonicalRequest.utf8)).hexString,
        ].joined(separator: "\n")

        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key).hexString
        signed["Authorization"] = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaderNames), Signature=\(signature)"
        return signed
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// The query string as signed and as sent: names and values URI-encoded, sorted by name, then value.
    public static func canonicalQuery(_ query: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { (uriEncode($0.0), uriEncode($0.1)) }
        let sorted = encoded.sorted { left, right in
            left.name == right.name ? left.value < right.value : left.name < right.name
        }
        return sorted.map { pair in pair.name + "=" + pair.value }.joined(separator: "&")
    }

    /// RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else `%XX`
    /// (upper case); `/` kept only when `keepSlash` (object keys in paths).
    public static func uriEncode(_ text: String, keepSlash: Bool = false) -> String {
        var out = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) || (keepSlash && byte == 0x2F) {
                out.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// RFC 3986's unreserved characters: letters, digits, `-`, `_`, `.`, `~`.
    private static let unreserved: Set<UInt8> = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8)

    /// Trims a header value and folds runs of spaces into one, as the canonical form requires.
    static func normalizeHeaderValue(_ value: String) -> String {
        value.trimmingCharacters(in: .whitespaces)
            .split(separator: " ", omittingEmptySubsequences: true)
            .joined(separator: " ")
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex, as SigV4 and S3 ETags use.
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}
