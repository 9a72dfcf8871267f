import EngineConformance
import Testing

/// The shared engine-conformance suite, run on SQLite.
@Suite struct SQLiteConformanceTests {
    let suite = ConformanceSuite(SQLiteConformanceEngine())

    @Test func migrateAppliesAllAndRecordsHistory() throws { try suite.migrateAppliesAllAndRecordsHistory() }
    @Test func statusListsAppliedAndPending() throws { try suite.statusListsAppliedAndPending() }
    @Test func failingStatementNamesFileAndLine() throws { try suite.failingStatementNamesFileAndLine() }
    @Test func constraintViolationAndFailingVerifyRollBack() throws { try suite.constraintViolationAndFailingVerifyRollBack() }
    @Test func validationErrorsChangeNothing() throws { try suite.validationErrorsChangeNothing() }
    @Test func outOfOrderNeedsPermission() throws { try suite.outOfOrderNeedsPermission() }
    @Test func lockHeldElsewhereFailsFast() throws { try suite.lockHeldElsewhereFailsFast() }
    @Test func migrateTakesOneSnapshotOfTheStateBefore() throws { try suite.migrateTakesOneSnapshotOfTheStateBefore() }
    @Test func failureRestoresTheStateBeforeTheRun() throws { try suite.failureRestoresTheStateBeforeTheRun() }
    @Test func restoreIsExactAndUndoable() throws { try suite.restoreIsExactAndUndoable() }
    @Test func restoreRefusesDamagedSnapshots() throws { try suite.restoreRefusesDamagedSnapshots() }
    @Test func planReportsRehearsalFailureAndChangesNothing() throws { try suite.planReportsRehearsalFailureAndChangesNothing() }
    @Test func planRehearsesAndLeavesNothingBehind() throws { try suite.planRehearsesAndLeavesNothingBehind() }
    @Test func planFailsOnDestructiveChangesUnlessAllowed() throws { try suite.planFailsOnDestructiveChangesUnlessAllowed() }
    @Test func planReportsLintAndRehearsalFailureTogether() throws { try suite.planReportsLintAndRehearsalFailureTogether() }
    @Test func verifyChecksSchemaAndVerifySections() throws { try suite.verifyChecksSchemaAndVerifySections() }
    @Test func rollbackThenMigrateReturnsToTheSameState() throws { try suite.rollbackThenMigrateReturnsToTheSameState() }
    @Test func baselineAndRepair() throws { try suite.baselineAndRepair() }
    @Test func atomicRunIsAllOrNothing() throws { try suite.atomicRunIsAllOrNothing() }
    @Test func failedSnapshotStopsTheRun() throws { try suite.failedSnapshotStopsTheRun() }
    @Test func refusedFilesChangeNothing() throws { try suite.refusedFilesChangeNothing() }
    @Test func commentOnlyUpIsANoOp() throws { try suite.commentOnlyUpIsANoOp() }
}
