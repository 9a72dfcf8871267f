import LifeboatCore
/// The one-line reason and the safe rewrite of each v2 lint rule (SPEC "Lint"), shown in every
/// finding's message and listed in docs/lint.md, so a reviewer sees the fix next to the problem.
extension LintRule {
    /// Why the statement hurts production, completing "<statement> …".
    public var reason: String {
        switch self {
        case .constraintWithoutNotValid: "scans the whole table under a lock that blocks writes (and, for a foreign key, writes to the referenced table)"
        case .validateInSameMigration: "runs in the same transaction as the NOT VALID that created the constraint, so the lock that NOT VALID avoided is held for the whole scan"
        case .setNotNull: "scans the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes"
        case .constraintWithoutUsingIndex: "builds its index under an ACCESS EXCLUSIVE lock, blocking reads and writes for the whole build"
        case .addColumnVolatileDefault: "rewrites the whole table under an ACCESS EXCLUSIVE lock (a non-volatile default would be a catalog-only change)"
        case .addColumnStoredGenerated: "rewrites the whole table under an ACCESS EXCLUSIVE lock to compute the column"
        case .dropIndexWithoutConcurrently: "takes an ACCESS EXCLUSIVE lock on the index's table, blocking reads and writes"
        case .reindexWithoutConcurrently: "blocks writes to the table (and reads that use the index) for the whole rebuild"
        case .detachPartitionWithoutConcurrently: "takes an ACCESS EXCLUSIVE lock on the partitioned table, blocking reads and writes"
        case .vacuumFull: "rewrites the table under an ACCESS EXCLUSIVE lock, blocking reads and writes"
        case .cluster: "rewrites the table under an ACCESS EXCLUSIVE lock, blocking reads and writes"
        case .setTablespace: "copies every page of the table or index under an ACCESS EXCLUSIVE lock"
        case .setLogged: "rewrites the whole table under an ACCESS EXCLUSIVE lock"
        case .truncateCascade: "also empties every table that references these, which the statement does not name"
        case .dropDatabase: "deletes the whole database and cannot be restored from a snapshot of the target"
        case .renameObject: "breaks the code that still uses the old name"
        case .renameEnumValue: "breaks the code and stored queries that still use the old value"
        default: "loses data or blocks writers"
        }
    }

    /// How to write it without the long lock or the surprise.
    public var safeWay: String {
        switch self {
        case .constraintWithoutNotValid: "ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a later migration"
        case .validateInSameMigration: "move VALIDATE CONSTRAINT to a later migration"
        case .setNotNull: "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c in a later migration; then SET NOT NULL (PostgreSQL 12+ uses the check) and drop the check"
        case .constraintWithoutUsingIndex: "CREATE UNIQUE INDEX CONCURRENTLY in a -- lifeboat:no-transaction migration, then ADD CONSTRAINT … UNIQUE/PRIMARY KEY USING INDEX"
        case .addColumnVolatileDefault: "add the column without a default (or with a constant one), backfill in batches, then SET DEFAULT"
        case .addColumnStoredGenerated: "add a plain column, backfill in batches and keep it up to date with a trigger (or use a VIRTUAL column on PostgreSQL 18+)"
        case .dropIndexWithoutConcurrently: "DROP INDEX CONCURRENTLY in a -- lifeboat:no-transaction migration"
        case .reindexWithoutConcurrently: "REINDEX … CONCURRENTLY in a -- lifeboat:no-transaction migration"
        case .detachPartitionWithoutConcurrently: "DETACH PARTITION … CONCURRENTLY in a -- lifeboat:no-transaction migration (PostgreSQL 14+)"
        case .vacuumFull: "plain VACUUM, or pg_repack outside the migration"
        case .cluster: "pg_repack outside the migration"
        case .setTablespace: "move the data during a maintenance window, or with pg_repack --tablespace"
        case .setLogged: "do it during a maintenance window, or create the table with the wanted persistence"
        case .truncateCascade: "TRUNCATE each table by name (without CASCADE)"
        case .dropDatabase: "drop databases outside migrations"
        case .renameObject: "create the new object (or a view with the new name), move the code over, then drop the old one in a later migration"
        case .renameEnumValue: "ADD VALUE the new label, move the data and code over, and stop using the old one"
        default: "add -- lifeboat:allow-destructive if it is intended"
        }
    }
}
