import LifeboatKit
import Testing

/// The verdict `plan` prints per migration from the statements' measured impacts: the strongest
/// mode per table, held from the statement that took it to the migration's end, strongest first,
/// in the words of what it blocks; and the JSON fields beside it.
@Suite struct LockImpactVerdictTests {
    @Test func strongestModePerTableHeldToTheEndOfTheMigration() {
        let impact = LockImpact([
            StatementImpact(line: 1, locks: [TableLock(relation: "customers", mode: .share, sizeBytes: 16_400)], milliseconds: 300),
            StatementImpact(line: 3, locks: [TableLock(relation: "orders", mode: .accessExclusive, sizeBytes: 3_100_000_000)],
                            rewrites: ["orders"], milliseconds: 1_150),
            StatementImpact(line: 5, locks: [TableLock(relation: "customers", mode: .rowExclusive, sizeBytes: 16_400)],
                            rows: 7, milliseconds: 50),
        ])
        #expect(impact.verdict == "holds ACCESS EXCLUSIVE on orders (3.1 GB) for 1.2 s: blocks reads and writes; "
            + "SHARE on customers (16.4 KB) for 1.5 s: blocks writes, not reads; rewrites orders")
        #expect(impact.locks.map(\.statementLine) == [1, 3, 5])
        #expect(impact.rewrites == ["orders"])
        #expect(impact.rows == 7)
    }

    @Test func noLockOnAnExistingTable() {
        let impact = LockImpact([StatementImpact(line: 1, milliseconds: 0.2)])
        #expect(impact.verdict == "takes no lock on an existing table")
        #expect(impact.locks.isEmpty && impact.rewrites.isEmpty)
        #expect(impact.rows == nil, "no statement reported a count")
    }

    @Test func shortHoldsReadAsUnderAMillisecond() {
        let impact = LockImpact([StatementImpact(line: 2, locks: [TableLock(relation: "users", mode: .accessShare)], rows: 0,
                                                 milliseconds: 0.3)])
        #expect(impact.verdict == "holds ACCESS SHARE on users for <1 ms: blocks only DDL that needs ACCESS EXCLUSIVE (ALTER, DROP, VACUUM FULL)")
        #expect(impact.rows == 0)
    }

    @Test func pgLocksModeNamesRoundTrip() {
        #expect(LockMode(pgLocksMode: "AccessExclusiveLock") == .accessExclusive)
        #expect(LockMode(pgLocksMode: "ShareUpdateExclusiveLock") == .shareUpdateExclusive)
        #expect(LockMode(pgLocksMode: "ShareRowExclusiveLock") == .shareRowExclusive)
        #expect(LockMode(pgLocksMode: "SIReadLock") == nil, "not a table-level mode")
        #expect(LockMode.allCases.allSatisfy { LockMode(pgLocksMode: $0.pgLocksName) == $0 })
        #expect(LockMode.allCases.sorted() == LockMode.allCases)
    }
}
