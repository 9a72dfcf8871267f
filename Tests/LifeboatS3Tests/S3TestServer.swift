import Foundation
import LifeboatS3

/// Where the S3 tests find their server: `LIFEBOAT_TEST_S3_ENDPOINT` (moto's S3 server, started by
/// `scripts/test.sh`, with fake `AWS_*` keys). Without it the tests are skipped, except under
/// `CI=true`, where they run and fail: CI must never pass without having talked to a server.
enum S3TestServer {
    static let environment = ProcessInfo.processInfo.environment
    static let endpoint = environment["LIFEBOAT_TEST_S3_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
    static let isCI = ["true", "1", "yes"].contains(environment["CI"]?.lowercased() ?? "")

    /// For `.enabled(if:)`: run when there is a server, and always under CI.
    static let shouldRun = endpoint != nil || isCI

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "LIFEBOAT_TEST_S3_ENDPOINT is not set: run the S3 tests through scripts/test.sh (it starts moto_server)"
        }
    }

    /// The configuration the tests use: the test server, path-style, the keys test.sh exported.
    static func configuration(secret: String? = nil) throws -> S3Configuration {
        guard let endpoint else { throw Missing() }
        var configuration = try S3Configuration.resolve(environment: [
            "AWS_ACCESS_KEY_ID": environment["AWS_ACCESS_KEY_ID"] ?? "testing",
            "AWS_SECRET_ACCESS_KEY": environment["AWS_SECRET_ACCESS_KEY"] ?? "testing",
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL_S3": endpoint,
            "LIFEBOAT_S3_PATH_STYLE": "1",
        ], home: URL(fileURLWithPath: "/nonexistent"))
        if let secret { configuration.credentials.secretAccessKey = secret }
        return configuration
    }

    static func client(retry: S3RetryPolicy = S3RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10))) throws -> S3Client {
        S3Client(configuration: try configuration(), retry: retry)
    }

    /// A fresh bucket of its own for one test.
    static func bucket(_ client: S3Client) async throws -> String {
        let name = "lifeboat-test-" + UUID().uuidString.lowercased().prefix(13).replacingOccurrences(of: "-", with: "")
        try await client.createBucket(name)
        return name
    }

    /// Deterministic pseudo-random bytes (incompressible, different in every part).
    static func bytes(_ count: Int, seed: UInt64) -> Data {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        var bytes = [UInt8](repeating: 0, count: count)
        for index in 0..<count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes[index] = UInt8(truncatingIfNeeded: state >> 33)
        }
        return Data(bytes)
    }
}
