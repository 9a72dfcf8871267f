import Foundation
import LifeboatS3
import Testing

/// S3's errors as typed errors that name the bucket, the key, the HTTP status and S3's code, and
/// never the secret; which failures are retried.
@Suite struct S3ServiceErrorTests {
    @Test(.enabled(if: S3TestServer.shouldRun, "needs LIFEBOAT_TEST_S3_ENDPOINT (scripts/test.sh)"))
    func aMissingBucketIsNoSuchBucketNamedInTheMessage() async throws {
        let secret = "never-show-this-secret-\(UUID().uuidString)"
        let client = S3Client(configuration: try S3TestServer.configuration(secret: secret))
        let error = await #expect(throws: S3Error.self) {
            try await client.putObject(bucket: "lifeboat-no-such-bucket", key: "p/1.json", data: Data("{}".utf8))
        }
        let text = try #require(error).description
        #expect(error?.code == "NoSuchBucket")
        #expect(text.contains("s3://lifeboat-no-such-bucket/p/1.json"))
        #expect(text.contains("HTTP 404"))
        #expect(text.contains("NoSuchBucket"))
        #expect(!text.contains(secret))
        #expect(!String(reflecting: error!).contains(secret))
    }

    @Test func anUnreachableEndpointIsATransportErrorThatNamesIt() async throws {
        let secret = "never-show-this-secret-either"
        let configuration = S3Configuration(credentials: S3Credentials(accessKeyID: "AKID", secretAccessKey: secret),
                                            endpoint: URL(string: "http://127.0.0.1:1")!, pathStyle: true)
        let client = S3Client(configuration: configuration, retry: S3RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1)))
        let error = await #expect(throws: S3Error.self) { try await client.headObject(bucket: "b", key: "k") }
        let text = try #require(error).description
        #expect(text.contains("http://127.0.0.1:1"))
        #expect(text.contains("s3://b/k"))
        #expect(!text.contains(secret))
    }

    @Test func onlyTimeoutsServerErrorsAndThrottlingAreRetried() {
        func service(_ status: Int, _ code: String) -> S3Error {
            .service(operation: "PutObject", bucket: "b", key: "k", status: status, code: code, message: "")
        }
        #expect(service(500, "InternalError").isTransient)
        #expect(service(503, "SlowDown").isTransient)
        #expect(service(400, "RequestTimeout").isTransient)
        #expect(S3Error.transport(operation: "GetObject", bucket: "b", key: nil, endpoint: "e", reason: "timed out").isTransient)
        #expect(!service(403, "SignatureDoesNotMatch").isTransient)
        #expect(!service(404, "NoSuchBucket").isTransient)
        #expect(!service(403, "AccessDenied").isTransient)
    }
}
