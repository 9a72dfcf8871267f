import Crypto
import Foundation

/// Single-object operations: buckets, PutObject, GetObject, HeadObject, DeleteObject(s).
extension S3Client {
    /// Creates a bucket (tests and first-time set-up); outside us-east-1 with its location constraint.
    public func createBucket(_ bucket: String) async throws {
        var body = Body.empty
        if configuration.region != "us-east-1" {
            body = .data(Data("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>\(configuration.region)</LocationConstraint></CreateBucketConfiguration>".utf8))
        }
        _ = try await send("CreateBucket", method: "PUT", bucket: bucket, body: body)
    }

    /// Uploads `data` as one object, with its Content-MD5 (S3 refuses a body that does not match).
    public func putObject(bucket: String, key: String, data: Data, contentType: String = "application/octet-stream") async throws {
        _ = try await send("PutObject", method: "PUT", bucket: bucket, key: key,
                           headers: ["Content-MD5": Self.contentMD5(data), "Content-Type": contentType], body: .data(data))
    }

    /// Uploads a file as one object, streamed from disk (its SHA-256 is signed, so S3 checks it).
    public func putObject(bucket: String, key: String, file: URL, contentType: String = "application/octet-stream") async throws {
        _ = try await send("PutObject", method: "PUT", bucket: bucket, key: key,
                           headers: ["Content-Type": contentType], body: .file(file))
    }

    /// Downloads an object into memory (manifests and other small objects).
    public func getObject(bucket: String, key: String) async throws -> Data {
        try await send("GetObject", method: "GET", bucket: bucket, key: key).body
    }

    /// Downloads bytes `range` (inclusive offsets, as HTTP's `Range: bytes=A-B`) of an object into
    /// memory: a large object is read in bounded pieces, several at once, without a temporary file
    /// outside the caller's control.
    public func getObject(bucket: String, key: String, range: ClosedRange<Int64>) async throws -> Data {
        let body = try await send("GetObject", method: "GET", bucket: bucket, key: key,
                                  headers: ["Range": "bytes=\(range.lowerBound)-\(range.upperBound)"]).body
        guard body.count == range.count else {
            throw S3Error.malformedResponse(operation: "GetObject", bucket: bucket, key: key,
                                            detail: "asked for \(range.count) bytes at \(range.lowerBound), got \(body.count)")
        }
        return body
    }

    /// Downloads an object to `file`, streamed to disk in bounded memory; the file is replaced
    /// only when the whole object has arrived.
    public func getObject(bucket: String, key: String, to file: URL) async throws {
        _ = try await send("GetObject", method: "GET", bucket: bucket, key: key, sink: .file(file))
    }

    /// The object's size and ETag; `S3Error.service` with code `NotFound` when there is none.
    public func headObject(bucket: String, key: String) async throws -> S3Object {
        let response = try await send("HeadObject", method: "HEAD", bucket: bucket, key: key)
        return S3Object(key: key, size: Int64(response.headers["content-length"] ?? "") ?? 0,
                        etag: response.headers["etag"] ?? "", lastModified: response.headers["last-modified"])
    }

    /// Deletes one object (S3 answers success for a key that does not exist).
    public func deleteObject(bucket: String, key: String) async throws {
        _ = try await send("DeleteObject", method: "DELETE", bucket: bucket, key: key)
    }

    /// Deletes many objects, 1000 to a request (S3's limit); the first key S3 could not delete
    /// is thrown as an error naming it.
    public func deleteObjects(bucket: String, keys: [String]) async throws {
        for start in stride(from: 0, to: keys.count, by: 1000) {
            let batch = keys[start..<min(start + 1000, keys.count)]
            let objects = batch.map { "<Object><Key>\(S3XML.escape($0))</Key></Object>" }.joined()
            let body = Data("<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>\(objects)</Delete>".utf8)
            let response = try await send("DeleteObjects", method: "POST", bucket: bucket, query: [("delete", "")],
                                          headers: ["Content-MD5": Self.contentMD5(body), "Content-Type": "application/xml"],
                                          body: .data(body))
            if let failure = S3XML(response.body).blocks("Error").first {
                throw S3Error.service(operation: "DeleteObjects", bucket: bucket, key: failure.first("Key"), status: response.status,
                                      code: failure.first("Code") ?? "InternalError", message: failure.first("Message") ?? "")
            }
        }
    }

    /// Base64 of the MD5 of `data`, for `Content-MD5`.
    static func contentMD5(_ data: Data) -> String {
        Data(Insecure.MD5.hash(data: data)).base64EncodedString()
    }
}
