import LifeboatCore
/// One migration as read from the migrations folder: its version, its sections and its options.
///
/// Built by `MigrationParser`; knows nothing of any database. A class because it is immutable and
/// large (three scripts): catalogs, comparisons and reports pass thousands of them around, and a
/// reference costs one retain where the struct cost one per string.
public final class Migration: Sendable, Equatable {
    public let version: MigrationVersion
    /// From the file name (`add_users` in `0002_add_users.sql`).
    public let description: String
    /// Path of the file holding the up section (for a golang-migrate pair, the `.up.sql`).
    public let file: String
    /// What `migrate` runs. Its `file` and `firstLine` point into the migration file, and its text
    /// keeps directive comment lines so reported lines match the file.
    public let up: SQLScript
    /// What `rollback` runs; nil when the migration has no down section at all (cannot be rolled
    /// back). A present but empty down section is a valid no-op (empty text).
    public let down: SQLScript?
    /// Assertions run after `up` in the same transaction; nil when there is none.
    public let verify: SQLScript?
    /// SHA-256 (lower-case hex) of the normalised up section (SPEC "Precise points").
    public let checksum: String
    /// `-- lifeboat:no-transaction` (or dbmate's `transaction:false`): run statement by statement,
    /// outside a transaction.
    public let noTransaction: Bool
    /// `-- lifeboat:allow-destructive`: this migration's destructive statements are intended.
    public let allowDestructive: Bool
    /// The down section runs statement by statement, outside a transaction: the file option
    /// `-- lifeboat:no-transaction`, dbmate's `-- migrate:down transaction:false`, or the option in
    /// a golang-migrate `.down.sql` (so a `DROP INDEX CONCURRENTLY` down section can roll back).
    public let downNoTransaction: Bool

    public init(version: MigrationVersion, description: String, file: String, up: SQLScript, down: SQLScript?,
                verify: SQLScript?, checksum: String, noTransaction: Bool, allowDestructive: Bool,
                downNoTransaction: Bool? = nil) {
        self.version = version
        self.description = description
        self.file = file
        self.up = up
        self.down = down
        self.verify = verify
        self.checksum = checksum
        self.noTransaction = noTransaction
        self.allowDestructive = allowDestructive
        self.downNoTransaction = downNoTransaction ?? noTransaction
    }

    public static func == (lhs: Migration, rhs: Migration) -> Bool {
        lhs === rhs || (lhs.version == rhs.version
            && lhs.description == rhs.description && lhs.file == rhs.file && lhs.up == rhs.up
            && lhs.down == rhs.down && lhs.verify == rhs.verify && lhs.checksum == rhs.checksum
            && lhs.noTransaction == rhs.noTransaction && lhs.allowDestructive == rhs.allowDestructive
            && lhs.downNoTransaction == rhs.downNoTransaction)
    }
}
