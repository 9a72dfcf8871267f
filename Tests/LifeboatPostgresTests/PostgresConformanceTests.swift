import EngineConformance
import Testing

/// The shared engine-conformance suite, run on PostgreSQL against the test server (skipped without one, failing under CI=true).
@Suite("Engine conformance: PostgreSQL", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresConformanceTests {
    let suite = ConformanceSuite(PostgresConformanceEngine())

    /// The one list of cases (`ConformanceSuite.allCases`), each a test of its own.
    @Test(arguments: ConformanceSuite.allCases)
    func conformance(_ behaviour: ConformanceCase) throws { try behaviour.run(on: suite) }

    /// The snapshot and restore cases again, with the snapshots in S3 (issue 12).
    @Test(.enabled(if: ConformanceS3.shouldRun), arguments: ConformanceSuite.storeCases)
    func conformanceWithAnS3Store(_ behaviour: ConformanceCase) async throws {
        try behaviour.run(on: ConformanceSuite(PostgresConformanceEngine(), backups: try await ConformanceS3.freshLocation()))
    }
}

/// The witness itself: a fingerprint that missed a change would make every "unchanged" check above
/// pass vacuously.
@Suite("Conformance fingerprint on PostgreSQL", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresFingerprintTests {
    @Test("stable when nothing changes; sees rows, schema, sequences and every user schema")
    func seesEveryChange() throws {
        let database = try PostgresConformanceEngine().makeDatabase()
        defer { database.drop() }
        try database.execute("CREATE TABLE t (id serial PRIMARY KEY, note text); INSERT INTO t (note) VALUES ('a'), (NULL);")
        var last = try database.fingerprint()
        #expect(try database.fingerprint() == last)
        #expect(last.contains("CREATE TABLE public.t"))
        #expect(last.contains("1\ta\n"))
        for change in [
            "UPDATE t SET note = 'b' WHERE id = 2",
            "SELECT nextval('t_id_seq')",
            "CREATE INDEX t_note ON t (note)",
            "COMMENT ON TABLE t IS 'x'",
            "CREATE SCHEMA other",
            "CREATE TABLE other.u (id int); INSERT INTO other.u VALUES (1)",
            "CREATE SEQUENCE other.s",
            "SELECT nextval('other.s')",
        ] {
            try database.execute(change)
            let now = try database.fingerprint()
            #expect(now != last, "the fingerprint missed: \(change)")
            last = now
        }
    }
}
