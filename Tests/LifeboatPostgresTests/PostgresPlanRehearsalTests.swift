import EngineConformance
import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// `lifeboat plan` on PostgreSQL rehearses inside one transaction that is rolled back. Sequences
/// are not transactional, so the rehearsal must put them back itself: a plan that advanced them
/// would make the next real inserts skip ids (and `plan` promises to change nothing).
@Suite("plan on PostgreSQL", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresPlanRehearsalTests {
    static let migrations = [
        "0001_orders.sql": """
            CREATE TABLE orders (id serial PRIMARY KEY, note text);
            INSERT INTO orders (note) VALUES ('first'), ('second');
            CREATE SEQUENCE invoice_numbers START 100;
            SELECT nextval('invoice_numbers');
            CREATE SEQUENCE never_used;
            """,
        "0002_more.sql": """
            INSERT INTO orders (note) VALUES ('a'), ('b'), ('c');
            SELECT nextval('invoice_numbers'), nextval('never_used');
            SELECT setval('invoice_numbers', 5000);
            CREATE TABLE refunds (id bigserial PRIMARY KEY, order_id int REFERENCES orders (id));
            INSERT INTO refunds (order_id) VALUES (1), (2);
            """,
        "0003_index.sql": """
            -- lifeboat:no-transaction
            CREATE INDEX CONCURRENTLY orders_note ON orders (note);
            """,
    ]

    func plan(_ folder: MigrationFolder, _ database: ConformanceDatabase) throws -> LifeboatProcess.Result {
        try LifeboatProcess.run(["plan", "--format", "json", "--migrations", folder.migrations.path,
                                 "--backups", folder.backups.path],
                                in: folder.root, databaseURL: database.url)
    }

    static let sequenceState = """
        SELECT s.relname, (pg_sequence_last_value(s.oid) IS NULL)::text,
               coalesce(pg_sequence_last_value(s.oid), 0)::text
        FROM pg_class s WHERE s.relkind = 'S' ORDER BY 1
        """

    @Test("plan leaves no history rows and does not advance sequences; the real run then uses the next ids")
    func planChangesNothing() throws {
        let database = try PostgresConformanceEngine().makeDatabase()
        defer { database.drop() }
        let folder = try MigrationFolder(Self.migrations)

        // A new database: the rehearsal creates the history table inside its transaction only.
        let fresh = try plan(folder, database)
        #expect(fresh.exitCode == 0, "\(fresh.output)")
        #expect(try database.query("SELECT to_regclass('lifeboat_history') IS NULL, to_regclass('orders') IS NULL") == [["t", "t"]])

        let applied = try LifeboatProcess.run(["migrate", "--target", "1", "--no-snapshot", "--migrations", folder.migrations.path],
                                              in: folder.root, databaseURL: database.url)
        #expect(applied.exitCode == 0, "\(applied.output)")
        let before = try database.fingerprint()
        let sequencesBefore = try database.query(Self.sequenceState)
        #expect(sequencesBefore == [["invoice_numbers", "false", "100"], ["never_used", "true", "0"], ["orders_id_seq", "false", "2"]])

        let result = try plan(folder, database)
        #expect(result.exitCode == 0, "\(result.output)")
        let json = try result.json()
        let migrations = try #require(json["migrations"] as? [[String: Any]])
        #expect(migrations.map { $0["version"] as? String } == ["0002", "0003"])
        #expect(migrations.map { $0["status"] as? String } == ["rehearsed", "not_rehearsed"])
        #expect(migrations[0]["rehearsal_ms"] is Int)

        #expect(try database.query("SELECT version FROM lifeboat_history") == [["0001"]], "no history rows from the rehearsal")
        #expect(try database.query(Self.sequenceState) == sequencesBefore, "sequences put back")
        #expect(try database.fingerprint() == before)
        #expect(!FileManager.default.fileExists(atPath: folder.backups.path), "plan never snapshots")

        // The real run hands out exactly the ids it would have without the rehearsal.
        let migrated = try LifeboatProcess.run(["migrate", "--no-snapshot", "--migrations", folder.migrations.path],
                                               in: folder.root, databaseURL: database.url)
        #expect(migrated.exitCode == 0, "\(migrated.output)")
        #expect(try database.query("SELECT id, note FROM orders ORDER BY id").map { $0[0] } == ["1", "2", "3", "4", "5"])
        #expect(try database.query("SELECT id FROM refunds ORDER BY id") == [["1"], ["2"]])
        #expect(try database.query("SELECT nextval('never_used')") == [["2"]], "one nextval in 0002, none from the rehearsal")
    }
}
