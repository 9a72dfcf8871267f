import Foundation

/// Multipart upload: Create, UploadPart, Complete, Abort.
extension S3Client {
    /// Starts a multipart upload; returns its upload id.
    public func createMultipartUpload(bucket: String, key: String, contentType: String = "application/octet-stream") async throws -> String {
        let response = try await send("CreateMultipartUpload", method: "POST", bucket: bucket, key: key,
                                      query: [("uploads", "")], headers: ["Content-Type": contentType])
        guard let id = S3XML(response.body).first("UploadId"), !id.isEmpty else {
            throw S3Error.malformedResponse(operation: "CreateMultipartUpload", bucket: bucket, key: key, detail: "no UploadId")
        }
        return id
    }

    /// Uploads part `partNumber` (1…10000; every part but the last at least 5 MiB). Its MD5 is sent
    /// as Content-MD5 and its SHA-256 signed as the payload hash: S3 refuses a part that arrived
    /// different. Returns the part's ETag for `completeMultipartUpload`.
    public func uploadPart(bucket: String, key: String, uploadID: String, partNumber: Int, data: Data) async throws -> S3CompletedPart {
        let response = try await send("UploadPart", method: "PUT", bucket: bucket, key: key,
                                      query: [("partNumber", String(partNumber)), ("uploadId", uploadID)],
                                      headers: ["Content-MD5": Self.contentMD5(data)], body: .data(data))
        return try Self.completedPart(response, bucket: bucket, key: key, partNumber: partNumber)
    }

    /// Joins the parts into the object. S3 may answer 200 with an `<Error>` body here: that is an error too.
    public func completeMultipartUpload(bucket: String, key: String, uploadID: String, parts: [S3CompletedPart]) async throws {
        let list = parts.sorted { $0.partNumber < $1.partNumber }
            .map { "<Part><PartNumber>\($0.partNumber)</PartNumber><ETag>\(S3XML.escape($0.etag))</ETag></Part>" }
            .joined()
        let body = Data("<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\(list)</CompleteMultipartUpload>".utf8)
        let response = try await send("CompleteMultipartUpload", method: "POST", bucket: bucket, key: key,
                                      query: [("uploadId", uploadID)], headers: ["Content-Type": "application/xml"], body: .data(body))
        let xml = S3XML(response.body)
        if xml.text.contains("<Error>"), let code = xml.first("Code") {
            throw S3Error.service(operation: "CompleteMultipartUpload", bucket: bucket, key: key, status: response.status,
                                  code: code, message: xml.first("Message") ?? "")
        }
    }

    /// Abandons the upload; S3 drops its parts.
    public func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws {
        _ = try await send("AbortMultipartUpload", method: "DELETE", bucket: bucket, key: key, query: [("uploadId", uploadID)])
    }
}

extension S3Client {
    /// Uploads part `partNumber` streamed from `file` (see `uploadPart(…data:)`): `contentMD5` is
    /// the file's MD5 (base64), computed by the caller as it wrote the file, and the file's SHA-256
    /// is signed as the payload hash, so S3 refuses a part that arrived different.
    public func uploadPart(bucket: String, key: String, uploadID: String, partNumber: Int, file: URL, contentMD5: String) async throws -> S3CompletedPart {
        let response = try await send("UploadPart", method: "PUT", bucket: bucket, key: key,
                                      query: [("partNumber", String(partNumber)), ("uploadId", uploadID)],
                                      headers: ["Content-MD5": contentMD5], body: .file(file))
        return try Self.completedPart(response, bucket: bucket, key: key, partNumber: partNumber)
    }

    /// The part's ETag, which CompleteMultipartUpload needs.
    private static func completedPart(_ response: Response, bucket: String, key: String, partNumber: Int) throws -> S3CompletedPart {
        guard let etag = response.headers["etag"], !etag.isEmpty else {
            throw S3Error.malformedResponse(operation: "UploadPart", bucket: bucket, key: key, detail: "no ETag for part \(partNumber)")
        }
        return S3CompletedPart(partNumber: partNumber, etag: etag)
    }
}
