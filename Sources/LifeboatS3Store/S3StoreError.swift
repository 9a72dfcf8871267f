import LifeboatCore
import LifeboatS3

/// The S3 snapshot store could not do something (exit 5): names the store and carries the S3
/// error, which names the bucket, the key, the HTTP status and S3's error code — never a secret.
public struct S3StoreError: LifeboatError, Equatable {
    /// The store, `s3://BUCKET/PREFIX`.
    public let store: String
    public let failure: S3Error
    /// What it means for the database and the snapshot, e.g. "no snapshot was taken".
    public let consequence: String

    public var category: ErrorCategory { .snapshot }

    public var description: String {
        "the S3 snapshot store \(store) failed: \(failure)" + (consequence.isEmpty ? "" : "; \(consequence)")
    }
}
