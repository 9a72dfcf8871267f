import Foundation
import LifeboatS3

/// An S3 snapshot store for the conformance suite: a fresh bucket on the test S3 server (moto,
/// which `scripts/test.sh` starts and names in `LIFEBOAT_TEST_S3_ENDPOINT` and
/// `AWS_ENDPOINT_URL_S3`). Under `CI=true` the S3 runs happen, and fail, without the server.
public enum ConformanceS3 {
    static let environment = ProcessInfo.processInfo.environment
    public static let endpoint = environment["LIFEBOAT_TEST_S3_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
    /// For `.enabled(if:)`.
    public static let shouldRun = endpoint != nil || ["true", "1", "yes"].contains(environment["CI"]?.lowercased() ?? "")

    struct Missing: Error, CustomStringConvertible {
        var description: String { "LIFEBOAT_TEST_S3_ENDPOINT is not set: run the S3 tests through scripts/test.sh (it starts moto_server)" }
    }

    /// `s3://NEW-BUCKET/snapshots?path_style=true`, the bucket just created.
    public static func freshLocation() async throws -> String {
        guard let endpoint, let url = URL(string: endpoint) else { throw Missing() }
        let configuration = S3Configuration(
            credentials: S3Credentials(accessKeyID: environment["AWS_ACCESS_KEY_ID"] ?? "testing",
                                       secretAccessKey: environment["AWS_SECRET_ACCESS_KEY"] ?? "testing"),
            region: "us-east-1", endpoint: url, pathStyle: true)
        let bucket = "lifeboat-conf-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try await S3Client(configuration: configuration).createBucket(bucket)
        return "s3://\(bucket)/snapshots?path_style=true"
    }
}
