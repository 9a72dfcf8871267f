import Foundation
import LifeboatS3
import LifeboatS3Store

/// A fresh bucket on the test S3 server (`LIFEBOAT_TEST_S3_ENDPOINT`, moto, started by
/// `scripts/test.sh`) for one test's S3 snapshot store. Without the server, S3 cases are left out
/// — except under `CI=true`, where they are kept and fail: CI never passes without S3.
enum S3TestBucket {
    static let environment = ProcessInfo.processInfo.environment
    static let endpoint = environment["LIFEBOAT_TEST_S3_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
    static let isCI = ["true", "1", "yes"].contains(environment["CI"]?.lowercased() ?? "")
    static let shouldRun = endpoint != nil || isCI

    struct Missing: Error, CustomStringConvertible {
        var description: String { "LIFEBOAT_TEST_S3_ENDPOINT is not set: run the S3 tests through scripts/test.sh (it starts moto_server)" }
    }

    /// The test server's configuration: path-style, the keys test.sh exported (or `secret`).
    static func configuration(secret: String? = nil) throws -> S3Configuration {
        guard let endpoint else { throw Missing() }
        return try S3Configuration.resolve(environment: [
            "AWS_ACCESS_KEY_ID": environment["AWS_ACCESS_KEY_ID"] ?? "testing",
            "AWS_SECRET_ACCESS_KEY": secret ?? environment["AWS_SECRET_ACCESS_KEY"] ?? "testing",
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL_S3": endpoint,
            "LIFEBOAT_S3_PATH_STYLE": "1",
        ], home: URL(fileURLWithPath: "/nonexistent"))
    }

    /// Creates a bucket with a unique name and returns it.
    static func make() async throws -> String {
        let client = S3Client(configuration: try configuration(), retry: S3RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10)))
        let name = "lifeboat-store-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try await client.createBucket(name)
        return name
    }

    /// An S3 store in a fresh bucket under `prefix`, scratch files under `scratchParent`; small
    /// parts (5 MiB, S3's minimum) so that a few MB already make a multipart upload of several parts.
    static func store(scratchParent: String, prefix: String = "snapshots/app",
                      clock: @escaping @Sendable () -> Date = { Date() }) async throws -> S3SnapshotStore {
        let bucket = try await make()
        return S3SnapshotStore(location: try S3Location("s3://\(bucket)/\(prefix)"), configuration: try configuration(),
                               scratchParent: scratchParent, partSize: 5 << 20, partsInFlight: 2,
                               retry: S3RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10)), clock: clock)
    }
}
