import Foundation
@testable import LifeboatS3
import Testing

/// The signer against AWS's published Signature Version 4 test suite (credentials `AKIDEXAMPLE`,
/// region us-east-1, service "service", 2015-08-30 12:36:00 UTC) and the S3 GetObject example of
/// the S3 API reference ("Signature Calculations for the Authorization Header").
@Suite struct SigV4SignerTests {
    static let suiteSigner = SigV4Signer(
        credentials: S3Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service")
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160) // 2015-08-30T12:36:00Z

    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var method: String
        var path: String
        var query: [(String, String)]
        var headers: [String: String]
        var signedHeaders: String
        var signature: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = [
        Vector(name: "get-vanilla", method: "GET", path: "/", query: [], headers: [:],
               signedHeaders: "host;x-amz-date", signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Vector(name: "post-vanilla", method: "POST", path: "/", query: [], headers: [:],
               signedHeaders: "host;x-amz-date", signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        Vector(name: "get-vanilla-query-order-key-case", method: "GET", path: "/", query: [("Param2", "value2"), ("Param1", "value1")],
               headers: [:], signedHeaders: "host;x-amz-date", signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        Vector(name: "post-header-value-case", method: "POST", path: "/", query: [], headers: ["My-Header1": "VALUE1"],
               signedHeaders: "host;my-header1;x-amz-date", signature: "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"),
        Vector(name: "get-header-value-trim", method: "GET", path: "/", query: [],
               headers: ["My-Header1": " value1", "My-Header2": "\"a   b   c\""],
               signedHeaders: "host;my-header1;my-header2;x-amz-date", signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        Vector(name: "get-unreserved", method: "GET", path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
               query: [], headers: [:], signedHeaders: "host;x-amz-date", signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
    ]

    @Test(arguments: vectors)
    func awsTestSuiteVector(_ vector: Vector) {
        var headers = vector.headers
        headers["Host"] = "example.amazonaws.com"
        let signed = Self.suiteSigner.sign(method: vector.method, path: vector.path, query: vector.query, headers: headers,
                                           payloadHash: SigV4Signer.emptyPayloadHash, date: Self.suiteDate)
        #expect(signed["X-Amz-Date"] == "20150830T123600Z")
        #expect(signed["Authorization"] == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=\(vector.signedHeaders), Signature=\(vector.signature)")
    }

    @Test func s3GetObjectExampleFromTheS3Documentation() {
        let signer = SigV4Signer(
            credentials: S3Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1")
        let signed = signer.sign(
            method: "GET", path: "/test.txt", query: [],
            headers: ["Host": "examplebucket.s3.amazonaws.com", "Range": "bytes=0-9", "x-amz-content-sha256": SigV4Signer.emptyPayloadHash],
            payloadHash: SigV4Signer.emptyPayloadHash,
            date: Date(timeIntervalSince1970: 1_369_353_600)) // 2013-05-24T00:00:00Z
        #expect(signed["Authorization"] == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func aSessionTokenIsSignedAndSent() {
        var signer = Self.suiteSigner
        signer.credentials.sessionToken = "TOKEN-VALUE"
        let signed = signer.sign(method: "GET", path: "/", query: [], headers: ["Host": "example.amazonaws.com"],
                                 payloadHash: SigV4Signer.emptyPayloadHash, date: Self.suiteDate)
        #expect(signed["X-Amz-Security-Token"] == "TOKEN-VALUE")
        #expect(signed["Authorization"]?.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,") == true)
    }

    @Test func keysAreEncodedAsS3WantsThem() {
        #expect(SigV4Signer.uriEncode("a b/c+d~é", keepSlash: true) == "a%20b/c%2Bd~%C3%A9")
        #expect(SigV4Signer.uriEncode("a/b") == "a%2Fb")
        #expect(SigV4Signer.canonicalQuery([("uploads", ""), ("prefix", "x y")]) == "prefix=x%20y&uploads=")
    }
}
