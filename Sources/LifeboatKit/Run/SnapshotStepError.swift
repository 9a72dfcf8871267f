/// The snapshot a run takes before changing anything failed (exit 5): the underlying error, and
/// what an operator must know at that moment — no migration ran, the database was not changed.
///
/// Why a type of its own: a full disk or a file-size limit (`EFBIG`, since `SIGXFSZ` is ignored)
/// usually strikes while the snapshot is written, and "no space left" alone leaves the question
/// that matters open (SPEC "Snapshots", v2: the message says what state the database is in).
public struct SnapshotStepError: LifeboatError {
    public let underlying: LifeboatError
    /// The redacted URL of the database.
    public let database: String
    /// What did not happen because of it (`migration`, `rollback`).
    public let step: String

    public init(_ underlying: LifeboatError, database: String, step: String) {
        self.underlying = underlying
        self.database = database
        self.step = step
    }

    public var category: ErrorCategory { .snapshot }

    public var description: String {
        "\(underlying.description). No \(step) ran: \(database) was not changed"
    }
}
