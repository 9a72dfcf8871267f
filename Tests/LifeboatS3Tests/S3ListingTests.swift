import Foundation
import LifeboatS3
import Testing

/// ListObjectsV2 across several pages, limited to a prefix.
@Suite(.enabled(if: S3TestServer.shouldRun, "needs LIFEBOAT_TEST_S3_ENDPOINT (scripts/test.sh)"))
struct S3ListingTests {
    @Test func listingFollowsEveryPageAndKeepsToThePrefix() async throws {
        let client = try S3TestServer.client()
        let bucket = try await S3TestServer.bucket(client)
        let keys = (1...7).map { "db/\(String(format: "%03d", $0)).json" }
        for key in keys { try await client.putObject(bucket: bucket, key: key, data: Data(key.utf8)) }
        try await client.putObject(bucket: bucket, key: "other/x.json", data: Data("x".utf8))

        let listed = try await client.listObjects(bucket: bucket, prefix: "db/", pageSize: 2)
        #expect(listed.map(\.key) == keys)
        #expect(listed.allSatisfy { $0.size == Int64($0.key.utf8.count) })
    }
}
