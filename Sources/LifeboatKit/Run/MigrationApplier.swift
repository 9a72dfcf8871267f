import Foundation
import Logging

/// Applies migrations to an engine, one transaction each (or one for all with `--atomic`), each
/// with its verify section and its history row committed together with its changes.
///
/// It decides nothing about snapshots or restores: it reports what was committed and where it
/// stopped, and `Lifeboat.migrate` decides what to do about it.
struct MigrationApplier {
    struct Failure {
        let migration: Migration
        let error: EngineError
        /// A no-transaction migration stopped halfway: some of its statements stay applied.
        let leftPartialChanges: Bool
        /// The sessions in the way when it failed on a lock timeout.
        var blockers: [LockHolder] = []
    }

    struct Outcome {
        var entries: [MigrationEntry] = []
        /// Migrations whose transaction was committed.
        var committed = 0
        var failure: Failure?
    }

    let engine: DatabaseEngine
    let table: HistoryTable
    let snapshotID: String?
    let logger: Logger
    /// Runs a migration again after a lock timeout (`--lock-retries`; none in a rehearsal).
    let lockRetry: LockRetry
    /// The history table is created inside the first migration's transaction, so a failure of that
    /// migration leaves a new database without it, exactly as it was.
    private var historyReady = false
    /// `plan` only: measure each statement's locks, rewrites, rows and time where the engine can
    /// (`RehearsalMeasuring`); nil runs each up section as one script.
    var measurement: RehearsalMeasurement?

    init(engine: DatabaseEngine, table: HistoryTable, snapshotID: String?, logger: Logger, lockRetries: Int = 0) {
        self.engine = engine
        self.table = table
        self.snapshotID = snapshotID
        self.logger = logger
        self.lockRetry = LockRetry(engine: engine, retries: lockRetries, logger: logger)
    }

    /// Each migration in its own transaction; stops at the first failure.
    mutating func applyEach(_ migrations: [Migration]) -> Outcome {
        var outcome = Outcome()
        for migration in migrations {
            let started = ContinuousClock.now
            let applied: HistoryRecord
            var tally = LockRetry.Tally()
            do {
                if migration.noTransaction {
                    applied = try applyWithoutTransaction(migration, started: started, tally: &tally)
                } else {
                    let retry = lockRetry
                    let historyWasReady = historyReady
                    // A lock timeout rolls the whole transaction back: run it again from its start
                    // (the history table too, when this transaction was creating it).
                    applied = try retry.run(name(migration), tables: StatementTables.tables(in: migration.up), tally: &tally) {
                        historyReady = historyWasReady
                        return try engine.inTransaction {
                            try ensureHistoryTable()
                            try runUpAndVerify(migration)
                            let row = record(for: migration, status: .applied, started: started)
                            try engine.insertHistory(row, into: table)
                            return row
                        }
                    }
                }
            } catch {
                // `inTransaction` rolled back; a no-transaction migration has nothing to roll back.
                var failed = entry(migration, status: .failed, started: started)
                failed.noteLockWaits(tally)
                outcome.entries.append(failed)
                outcome.failure = Failure(migration: migration, error: .wrapping(error), leftPartialChanges: migration.noTransaction,
                                          blockers: tally.blockers)
                return outcome
            }
            outcome.committed += 1
            let retried = tally.retries > 0 ? " after \(tally.retries) lock retries" : ""
            logger.info("applied \(name(migration)) in \(applied.executionMs) ms\(retried)")
            var done = entry(migration, applied)
            done.noteLockWaits(tally)
            outcome.entries.append(done)
        }
        return outcome
    }

    /// All migrations in one transaction: either all are applied or none is.
    mutating func applyAtomically(_ migrations: [Migration]) -> Outcome {
        var outcome = Outcome()
        var current = migrations[0]
        // When the migration `current` was started and has not finished yet.
        var currentStarted: ContinuousClock.Instant?
        var tally = LockRetry.Tally()
        let retry = lockRetry
        let historyWasReady = historyReady
        do {
            // A lock timeout rolls the one transaction back: the whole run starts again.
            try retry.run("the --atomic run", tables: migrations.flatMap { StatementTables.tables(in: $0.up) }, tally: &tally) {
                historyReady = historyWasReady
                outcome.entries = []
                try engine.inTransaction {
                    try ensureHistoryTable()
                    for migration in migrations {
                        let started = ContinuousClock.now
                        (current, currentStarted) = (migration, started)
                        try runUpAndVerify(migration)
                        let applied = record(for: migration, status: .applied, started: started)
                        try engine.insertHistory(applied, into: table)
                        outcome.entries.append(entry(migration, applied))
                    }
                    currentStarted = nil
                }
            }
            outcome.committed = migrations.count
        } catch {
            if let started = currentStarted {
                // Nothing of the run was committed: earlier entries are rolled back with it.
                outcome.entries = outcome.entries.map { var e = $0; e.status = .notCommitted; return e }
                outcome.entries.append(entry(current, status: .failed, started: started))
            }
            outcome.failure = Failure(migration: current, error: .wrapping(error), leftPartialChanges: false,
                                      blockers: tally.blockers)
        }
        // The retries were of the whole run: each migration's entry says how many.
        for index in outcome.entries.indices { outcome.entries[index].noteLockWaits(tally) }
        return outcome
    }

    // MARK: - Pieces

    private mutating func ensureHistoryTable() throws {
        guard !historyReady else { return }
        try engine.ensureHistoryTable(table)
        historyReady = true
    }

    private func runUpAndVerify(_ migration: Migration) throws {
        if let measurement, let meter = engine as? RehearsalMeasuring {
            try meter.executeMeasuring(migration.up.statements, excluding: table, deadline: measurement.deadline) {
                measurement.record($0, for: migration.version)
            }
        } else {
            try engine.execute(migration.up)
        }
        try VerifySection.check(migration, on: engine)
    }

    /// Outside a transaction, statement by statement. A `failed` row goes in first and becomes
    /// `applied` at the end, so a run that dies halfway leaves the database visibly dirty.
    /// A statement cancelled by a lock timeout is run again only when PostgreSQL ran it in a
    /// transaction of its own (so it did nothing): the earlier statements completed and stay.
    private mutating func applyWithoutTransaction(_ migration: Migration, started: ContinuousClock.Instant,
                                                  tally: inout LockRetry.Tally) throws -> HistoryRecord {
        // The history table cannot be created inside this migration's (absent) transaction.
        try ensureHistoryTable()
        try engine.insertHistory(record(for: migration, status: .failed, started: started), into: table)
        for statement in StatementSplitter.split(migration.up) {
            try lockRetry.run(name(migration), retryable: StatementTables.runsInOneTransaction(statement),
                              tables: StatementTables.tables(in: statement), tally: &tally) {
                try engine.execute(statement)
            }
        }
        try VerifySection.check(migration, on: engine)
        let applied = record(for: migration, status: .applied, started: started)
        try engine.inTransaction {
            try engine.deleteHistory(version: migration.version.text, from: table)
            try engine.insertHistory(applied, into: table)
        }
        return applied
    }

    private func name(_ migration: Migration) -> String { "\(migration.version.text)_\(migration.description)" }

    private func record(for migration: Migration, status: HistoryRecord.Status, started: ContinuousClock.Instant) -> HistoryRecord {
        HistoryRecord(version: migration.version.text, description: migration.description, checksum: migration.checksum,
                      status: status, appliedAt: Timestamp.iso8601(Date()),
                      executionMs: Timestamp.milliseconds(since: started), appliedBy: Timestamp.userAtHost,
                      snapshotID: snapshotID)
    }

    private func entry(_ migration: Migration, _ record: HistoryRecord) -> MigrationEntry {
        MigrationEntry(version: record.version, description: record.description, checksum: record.checksum,
                       status: .applied, appliedAt: record.appliedAt, executionMs: record.executionMs,
                       file: migration.file)
    }

    private func entry(_ migration: Migration, status: MigrationStatus, started: ContinuousClock.Instant) -> MigrationEntry {
        MigrationEntry(version: migration.version.text, description: migration.description, checksum: migration.checksum,
                       status: status, appliedAt: Timestamp.iso8601(Date()),
                       executionMs: Timestamp.milliseconds(since: started), file: migration.file)
    }
}
