import EngineConformance
import Testing

/// The shared engine-conformance suite, run on SQLite.
@Suite struct SQLiteConformanceTests {
    let suite = ConformanceSuite(SQLiteConformanceEngine())

    /// The one list of cases (`ConformanceSuite.allCases`), each a test of its own.
    @Test(arguments: ConformanceSuite.allCases)
    func conformance(_ behaviour: ConformanceCase) throws { try behaviour.run(on: suite) }

    /// The snapshot and restore cases again, with the snapshots in S3 (issue 12).
    @Test(.enabled(if: ConformanceS3.shouldRun), arguments: ConformanceSuite.storeCases)
    func conformanceWithAnS3Store(_ behaviour: ConformanceCase) async throws {
        try behaviour.run(on: ConformanceSuite(SQLiteConformanceEngine(), backups: try await ConformanceS3.freshLocation()))
    }
}
