import Foundation
@testable import LifeboatS3
import Testing

/// Virtual-hosted and path-style addressing, with and without a custom endpoint.
@Suite struct S3AddressingTests {
    static let keys = S3Credentials(accessKeyID: "AKID", secretAccessKey: "SECRET")

    @Test func awsDefaultsToVirtualHostedInTheRegion() {
        let client = S3Client(configuration: S3Configuration(credentials: Self.keys, region: "eu-west-1"))
        let address = client.address(bucket: "snaps", key: "app/1 2.json")
        #expect(address.scheme == "https")
        #expect(address.host == "snaps.s3.eu-west-1.amazonaws.com")
        #expect(address.path == "/app/1%202.json")
    }

    @Test func pathStyleOnACustomEndpointKeepsItsPort() {
        let configuration = S3Configuration(credentials: Self.keys, endpoint: URL(string: "http://127.0.0.1:9000")!, pathStyle: true)
        let client = S3Client(configuration: configuration)
        #expect(client.address(bucket: "snaps", key: "p/k").host == "127.0.0.1:9000")
        #expect(client.address(bucket: "snaps", key: "p/k").path == "/snaps/p/k")
        #expect(client.address(bucket: "snaps", key: nil).path == "/snaps")
    }

    @Test func virtualHostedOnACustomEndpoint() {
        let configuration = S3Configuration(credentials: Self.keys, endpoint: URL(string: "https://r2.example.com")!)
        let address = S3Client(configuration: configuration).address(bucket: "snaps", key: "k")
        #expect(address.host == "snaps.r2.example.com")
        #expect(address.path == "/k")
    }

    @Test func aBucketWithDotsIsAlwaysPathStyle() {
        let address = S3Client(configuration: S3Configuration(credentials: Self.keys)).address(bucket: "my.snaps", key: "k")
        #expect(address.host == "s3.us-east-1.amazonaws.com")
        #expect(address.path == "/my.snaps/k")
    }
}
