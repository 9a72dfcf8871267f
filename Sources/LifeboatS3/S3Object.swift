import Foundation

/// One object as ListObjectsV2 and HeadObject describe it.
public struct S3Object: Sendable, Equatable {
    public var key: String
    public var size: Int64
    /// As S3 gives it, quotes included (`"…"`); an MD5 only for single-part uploads.
    public var etag: String
    public var lastModified: String?

    public init(key: String, size: Int64, etag: String, lastModified: String? = nil) {
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// An incomplete multipart upload, as ListMultipartUploads describes it.
public struct S3MultipartUpload: Sendable, Equatable {
    public var key: String
    public var uploadID: String
    /// When it started, as S3 gives it (ISO 8601), so a cleanup can spare a young, live upload.
    public var initiated: String?

    public init(key: String, uploadID: String, initiated: String? = nil) {
        self.key = key
        self.uploadID = uploadID
        self.initiated = initiated
    }
}

/// A part uploaded to a multipart upload, as CompleteMultipartUpload needs it.
public struct S3CompletedPart: Sendable, Equatable {
    public var partNumber: Int
    public var etag: String

    public init(partNumber: Int, etag: String) {
        self.partNumber = partNumber
        self.etag = etag
    }
}
