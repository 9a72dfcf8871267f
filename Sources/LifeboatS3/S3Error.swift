import Foundation

/// What can go wrong talking to S3. Every description names the bucket, the key, the HTTP status
/// and S3's error code where they are known — and never a secret: credentials are not part of any
/// case, and request headers (where the signature lives) are never kept.
public enum S3Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// The service answered with an error (S3's XML `<Error>` body, or just a status for HEAD).
    case service(operation: String, bucket: String, key: String?, status: Int, code: String, message: String)
    /// No answer: connection refused, DNS, timeout (after the retries).
    case transport(operation: String, bucket: String, key: String?, endpoint: String, reason: String)
    /// An answer that is not what S3 sends (unparseable XML, a missing upload id).
    case malformedResponse(operation: String, bucket: String, key: String?, detail: String)
    /// No access key and secret in the environment or the shared files.
    case missingCredentials(profile: String, files: [String])
    /// `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` is not an http(s) URL.
    case invalidEndpoint(String)
    /// A local file could not be read or written (GetObject's sink, PutObject's source).
    case localFile(path: String, reason: String)
    /// libcurl, which the S3 client sends its requests with on Linux, could not be loaded (only
    /// checked when an S3 request is sent).
    case libcurlUnavailable(reason: String)

    /// S3's error code (`NoSuchBucket`, `SignatureDoesNotMatch`, `SlowDown`, …), when the service gave one.
    public var code: String? {
        if case let .service(_, _, _, _, code, _) = self { return code }
        return nil
    }

    /// The HTTP status, when the service answered.
    public var status: Int? {
        if case let .service(_, _, _, status, _, _) = self { return status }
        return nil
    }

    public var description: String {
        func location(_ bucket: String, _ key: String?) -> String {
            key.map { "s3://\(bucket)/\($0)" } ?? "s3://\(bucket)"
        }
        switch self {
        case let .service(operation, bucket, key, status, code, message):
            let detail = message.isEmpty ? "" : ": \(message)"
            return "S3 \(operation) on \(location(bucket, key)) failed with HTTP \(status) \(code)\(detail)"
        case let .transport(operation, bucket, key, endpoint, reason):
            return "S3 \(operation) on \(location(bucket, key)) could not reach \(endpoint): \(reason)"
        case let .malformedResponse(operation, bucket, key, detail):
            return "S3 \(operation) on \(location(bucket, key)) got an unexpected answer: \(detail)"
        case let .missingCredentials(profile, files):
            return "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give profile \"\(profile)\" aws_access_key_id and aws_secret_access_key in \(files.joined(separator: " or "))"
        case let .invalidEndpoint(text):
            return "the S3 endpoint \"\(text)\" (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL) is not an http:// or https:// URL"
        case let .localFile(path, reason):
            return "S3 transfer: cannot use the local file \(path): \(reason)"
        case let .libcurlUnavailable(reason):
            return "S3 needs libcurl, which could not be loaded (\(reason)): install libcurl4 "
                + "(Debian/Ubuntu: apt-get install libcurl4) or set LIFEBOAT_LIBCURL to its path"
        }
    }

    /// Whether a new attempt may succeed: timeouts and lost connections, HTTP 5xx, throttling.
    /// Anything else (403, 404, a bad request) fails at once.
    public var isTransient: Bool {
        switch self {
        case let .service(_, _, _, status, code, _):
            return status >= 500 || status == 429
                || ["SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "RequestTimeTooSkewed", "InternalError", "ServiceUnavailable"].contains(code)
        case .transport:
            return true
        default:
            return false
        }
    }
}
