import EngineConformance
import Testing

/// The shared engine-conformance suite, run on SQLite.
@Suite struct SQLiteConformanceTests {
    let suite = ConformanceSuite(SQLiteConformanceEngine())

    /// The one list of cases (`ConformanceSuite.allCases`), each a test of its own.
    @Test(arguments: ConformanceSuite.allCases)
    func conformance(_ behaviour: ConformanceCase) throws { try behaviour.run(on: suite) }
}
