import Crypto
import Foundation

/// A small S3 client: signed requests (SigV4) with retries for transient failures, sent by
/// `S3Transport` (libcurl loaded on first use on Linux, URLSession on Darwin). The operations live
/// in `S3Client+Objects.swift`, `S3Client+Multipart.swift` and `S3Client+Listing.swift`; this
/// file holds the request machinery.
public final class S3Client: @unchecked Sendable {
    public let configuration: S3Configuration
    public let retry: S3RetryPolicy
    let transport: S3Transport
    let signer: SigV4Signer

    public init(configuration: S3Configuration, retry: S3RetryPolicy = .default, timeout: TimeInterval = 60) {
        self.configuration = configuration
        self.retry = retry
        signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region)
        transport = S3Transport(timeout: timeout)
    }

    // MARK: - Addressing

    /// Where a bucket's requests go: scheme, `host[:port]` and the path of `key`.
    struct Address {
        var scheme: String
        var host: String
        var path: String
    }

    /// Virtual-hosted (`BUCKET.host/KEY`) unless path-style is asked for (`host/BUCKET/KEY`);
    /// a bucket name with dots is always path-style, since it cannot match a TLS wildcard.
    func address(bucket: String, key: String?) -> Address {
        let scheme = configuration.endpoint?.scheme?.lowercased() ?? "https"
        var host = configuration.endpoint?.host ?? "s3.\(configuration.region).amazonaws.com"
        if let port = configuration.endpoint?.port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) {
            host += ":\(port)"
        }
        let encodedKey = key.map { "/" + SigV4Signer.uriEncode($0, keepSlash: true) } ?? "/"
        if configuration.pathStyle || bucket.contains(".") {
            let bucketPath = "/" + SigV4Signer.uriEncode(bucket)
            return Address(scheme: scheme, host: host, path: key == nil ? bucketPath : bucketPath + encodedKey)
        }
        return Address(scheme: scheme, host: "\(bucket).\(host)", path: encodedKey)
    }

    /// The endpoint as shown in errors (never with credentials).
    var endpointDescription: String {
        configuration.endpoint.map { "\($0.scheme ?? "https")://\($0.host ?? "")\($0.port.map { ":\($0)" } ?? "")" }
            ?? "s3.\(configuration.region).amazonaws.com"
    }

    // MARK: - Requests

    /// What a request sends.
    enum Body {
        case empty
        case data(Data)
        /// A file, streamed from disk; its SHA-256 is computed first (in bounded memory) and signed.
        case file(URL)
    }

    /// What a request's answer is written to.
    enum Sink {
        case memory
        /// The body streams to this file (replaced); an error body is read back for the message.
        case file(URL)
    }

    /// A signed request, as the transport sends it.
    struct Request {
        var method: String
        var url: URL
        /// Without `Host`: the transport sets it from the URL.
        var headers: [(String, String)]
        var body: Body
        var sink: Sink
    }

    /// An answer, whatever its status; headers by lowercased name.
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: Data
    }

    /// No answer (refused, DNS, timeout, lost connection); `reason` is what `S3Error.transport` says.
    struct TransportFailure: Error {
        var reason: String
    }

    /// Sends one request, retried per `retry`, and turns a non-2xx answer into `S3Error.service`.
    func send(
        _ operation: String,
        method: String,
        bucket: String,
        key: String? = nil,
        query: [(String, String)] = [],
        headers: [String: String] = [:],
        body: Body = .empty,
        sink: Sink = .memory
    ) async throws -> Response {
        let payloadHash: String
        switch body {
        case .empty: payloadHash = SigV4Signer.emptyPayloadHash
        case let .data(data): payloadHash = SHA256.hash(data: data).hexString
        case let .file(url): payloadHash = try Self.sha256(ofFile: url)
        }

        var attempt = 1
        while true {
            do {
                return try await sendOnce(operation, method: method, bucket: bucket, key: key, query: query,
                                          headers: headers, body: body, payloadHash: payloadHash, sink: sink)
            } catch let error as S3Error where error.isTransient && attempt < retry.maxAttempts {
                try await Task.sleep(for: retry.delay(afterAttempt: attempt))
                attempt += 1
            }
        }
    }

    private func sendOnce(
        _ operation: String,
        method: String,
        bucket: String,
        key: String?,
        query: [(String, String)],
        headers: [String: String],
        body: Body,
        payloadHash: String,
        sink: Sink
    ) async throws -> Response {
        let address = address(bucket: bucket, key: key)
        var toSign = headers
        toSign["Host"] = address.host
        toSign["x-amz-content-sha256"] = payloadHash
        let signed = signer.sign(method: method, path: address.path, query: query, headers: toSign,
                                 payloadHash: payloadHash, date: Date())
        let queryString = SigV4Signer.canonicalQuery(query)
        guard let url = URL(string: "\(address.scheme)://\(address.host)\(address.path)\(queryString.isEmpty ? "" : "?" + queryString)") else {
            throw S3Error.malformedResponse(operation: operation, bucket: bucket, key: key, detail: "cannot form a URL for this bucket and key")
        }
        let request = Request(method: method, url: url, headers: signed.filter { $0.key != "Host" }.map { ($0.key, $0.value) },
                              body: body, sink: sink)
        let response: Response
        do {
            response = try await transport.perform(request)
        } catch let failure as TransportFailure {
            throw S3Error.transport(operation: operation, bucket: bucket, key: key, endpoint: endpointDescription,
                                    reason: failure.reason)
        }
        guard (200..<300).contains(response.status) else {
            throw Self.serviceError(operation, bucket: bucket, key: key, status: response.status, body: response.body)
        }
        return response
    }

    /// S3's `<Error><Code>…</Code><Message>…</Message></Error>`; a body-less answer (HEAD) gets
    /// the code AWS SDKs use for its status.
    static func serviceError(_ operation: String, bucket: String, key: String?, status: Int, body: Data) -> S3Error {
        let xml = S3XML(body)
        let fallback: String
        switch status {
        case 301: fallback = "PermanentRedirect"
        case 400: fallback = "BadRequest"
        case 403: fallback = "Forbidden"
        case 404: fallback = "NotFound"
        case 503: fallback = "ServiceUnavailable"
        default: fallback = "HTTP\(status)"
        }
        return S3Error.service(operation: operation, bucket: bucket, key: key, status: status,
                               code: xml.first("Code") ?? fallback, message: xml.first("Message") ?? "")
    }

    /// The SHA-256 of a file, read in 1 MiB chunks.
    static func sha256(ofFile url: URL) throws -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw S3Error.localFile(path: url.path, reason: "cannot open it for reading")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().hexString
    }
}
