import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// `pg_dump` writes a SQL-standard function body (`BEGIN ATOMIC … END`) over several lines with a
/// `;` after each statement; the restore must send it as one statement (the scanner the restore used
/// before the one lexer cut it at its first `;`, and the restore failed).
@Suite("Restoring BEGIN ATOMIC functions", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresBeginAtomicRestoreTests {
    @Test("a snapshot with a BEGIN ATOMIC function restores exactly, at every chunk size", arguments: [1 << 20, 5])
    func beginAtomicRoundTrip(maxChunk: Int) throws {
        let helpers = PostgresSnapshotTests()
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            try engine.execute(SQLScript("""
                CREATE TABLE public.prices (id int PRIMARY KEY, cents int NOT NULL);
                INSERT INTO public.prices VALUES (1, 250), (2, 125);
                CREATE FUNCTION public.total() RETURNS bigint LANGUAGE sql
                BEGIN ATOMIC
                  SELECT 1;
                  SELECT CASE WHEN count(*) > 0 THEN sum(cents) ELSE 0 END FROM public.prices;
                END;
                """))
            let before = try helpers.state(engine)
            let payload = try helpers.snapshot(engine)
            try engine.execute(SQLScript("DROP FUNCTION public.total(); DELETE FROM public.prices WHERE id = 2;"))
            try helpers.restore(engine, payload, maxChunk: maxChunk)
            #expect(try helpers.state(engine) == before)
            #expect(try engine.value("SELECT public.total()") == "375")
        }
    }
}
