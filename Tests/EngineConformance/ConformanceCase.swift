import Testing

/// One behaviour of the conformance suite, by name, so each engine's target runs the one list
/// below with a parameterised test: a case added here runs on every engine.
public struct ConformanceCase: Sendable, CustomTestStringConvertible {
    public let name: String
    let body: @Sendable (ConformanceSuite) throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (ConformanceSuite) throws -> Void) {
        self.name = name
        self.body = body
    }

    /// Runs this case against `suite`'s engine.
    public func run(on suite: ConformanceSuite) throws { try body(suite) }

    public var testDescription: String { name }
}

extension ConformanceSuite {
    /// The snapshot and restore cases, which each engine also runs with an S3 snapshot store
    /// (`ConformanceSuite(engine, backups: "s3://…")`): the store must not change what they show.
    public static let storeCases: [ConformanceCase] = allCases.filter {
        ["migrateTakesOneSnapshotOfTheStateBefore", "failureRestoresTheStateBeforeTheRun", "restoreIsExactAndUndoable"].contains($0.name)
    }

    /// Every case of the suite, in the order they read.
    public static let allCases: [ConformanceCase] = [
        ConformanceCase("migrateAppliesAllAndRecordsHistory") { try $0.migrateAppliesAllAndRecordsHistory() },
        ConformanceCase("statusListsAppliedAndPending") { try $0.statusListsAppliedAndPending() },
        ConformanceCase("failingStatementNamesFileAndLine") { try $0.failingStatementNamesFileAndLine() },
        ConformanceCase("constraintViolationAndFailingVerifyRollBack") { try $0.constraintViolationAndFailingVerifyRollBack() },
        ConformanceCase("validationErrorsChangeNothing") { try $0.validationErrorsChangeNothing() },
        ConformanceCase("outOfOrderNeedsPermission") { try $0.outOfOrderNeedsPermission() },
        ConformanceCase("lockHeldElsewhereFailsFast") { try $0.lockHeldElsewhereFailsFast() },
        ConformanceCase("migrateTakesOneSnapshotOfTheStateBefore") { try $0.migrateTakesOneSnapshotOfTheStateBefore() },
        ConformanceCase("failureRestoresTheStateBeforeTheRun") { try $0.failureRestoresTheStateBeforeTheRun() },
        ConformanceCase("restoreIsExactAndUndoable") { try $0.restoreIsExactAndUndoable() },
        ConformanceCase("restoreRefusesDamagedSnapshots") { try $0.restoreRefusesDamagedSnapshots() },
        ConformanceCase("planReportsRehearsalFailureAndChangesNothing") { try $0.planReportsRehearsalFailureAndChangesNothing() },
        ConformanceCase("planRehearsesAndLeavesNothingBehind") { try $0.planRehearsesAndLeavesNothingBehind() },
        ConformanceCase("planFailsOnDestructiveChangesUnlessAllowed") { try $0.planFailsOnDestructiveChangesUnlessAllowed() },
        ConformanceCase("planReportsLintAndRehearsalFailureTogether") { try $0.planReportsLintAndRehearsalFailureTogether() },
        ConformanceCase("verifyChecksSchemaAndVerifySections") { try $0.verifyChecksSchemaAndVerifySections() },
        ConformanceCase("rollbackThenMigrateReturnsToTheSameState") { try $0.rollbackThenMigrateReturnsToTheSameState() },
        ConformanceCase("baselineAndRepair") { try $0.baselineAndRepair() },
        ConformanceCase("atomicRunIsAllOrNothing") { try $0.atomicRunIsAllOrNothing() },
        ConformanceCase("failedSnapshotStopsTheRun") { try $0.failedSnapshotStopsTheRun() },
        ConformanceCase("refusedFilesChangeNothing") { try $0.refusedFilesChangeNothing() },
        ConformanceCase("commentOnlyUpIsANoOp") { try $0.commentOnlyUpIsANoOp() },
        ConformanceCase("failedRunReturnsItsReport") { try $0.failedRunReturnsItsReport() },
    ]
}
