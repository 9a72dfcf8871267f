import Foundation

/// ListObjectsV2 and ListMultipartUploads, following every page.
extension S3Client {
    /// Every object whose key starts with `prefix`, in key order; `pageSize` is S3's `max-keys`
    /// (at most 1000), smaller only to exercise pagination.
    public func listObjects(bucket: String, prefix: String = "", pageSize: Int = 1000) async throws -> [S3Object] {
        var objects: [S3Object] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(pageSize))]
            if let token { query.append(("continuation-token", token)) }
            let xml = S3XML(try await send("ListObjectsV2", method: "GET", bucket: bucket, query: query).body)
            for entry in xml.blocks("Contents") {
                guard let key = entry.first("Key") else { continue }
                objects.append(S3Object(key: key, size: Int64(entry.first("Size") ?? "") ?? 0,
                                        etag: entry.first("ETag") ?? "", lastModified: entry.first("LastModified")))
            }
            token = xml.first("IsTruncated") == "true" ? xml.first("NextContinuationToken") : nil
            if xml.first("IsTruncated") == "true" && token == nil {
                throw S3Error.malformedResponse(operation: "ListObjectsV2", bucket: bucket, key: nil,
                                                detail: "a truncated page without NextContinuationToken")
            }
        } while token != nil
        return objects
    }

    /// Every incomplete multipart upload under `prefix`.
    public func listMultipartUploads(bucket: String, prefix: String = "") async throws -> [S3MultipartUpload] {
        var uploads: [S3MultipartUpload] = []
        var markers: (key: String, upload: String)?
        repeat {
            var query = [("uploads", ""), ("prefix", prefix)]
            if let markers { query += [("key-marker", markers.key), ("upload-id-marker", markers.upload)] }
            let xml = S3XML(try await send("ListMultipartUploads", method: "GET", bucket: bucket, query: query).body)
            for entry in xml.blocks("Upload") {
                guard let key = entry.first("Key"), let id = entry.first("UploadId") else { continue }
                uploads.append(S3MultipartUpload(key: key, uploadID: id, initiated: entry.first("Initiated")))
            }
            if xml.first("IsTruncated") == "true", let key = xml.first("NextKeyMarker"), let upload = xml.first("NextUploadIdMarker") {
                markers = (key, upload)
            } else {
                markers = nil
            }
        } while markers != nil
        return uploads
    }
}
