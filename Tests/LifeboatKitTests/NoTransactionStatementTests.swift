import Testing
@testable import LifeboatKit

/// SPEC "Lint" (v2), the errors: statements PostgreSQL refuses in a transaction block, in a
/// migration that runs in Lifeboat's transaction, are validation errors (exit 3) naming file and
/// line, checked when the file is read; `-- lifeboat:allow-destructive` never allows them.
@Suite("Statements that need no-transaction")
struct NoTransactionStatementTests {
    private let file = "m/0001_x.sql"

    private func parse(_ text: String) throws -> Migration {
        try MigrationParser.parse(Array(text.utf8), file: file, version: MigrationVersion("0001")!, description: "x")
    }

    @Test(arguments: [
        ("CREATE INDEX CONCURRENTLY i ON t (a);", "CREATE INDEX CONCURRENTLY"),
        ("create unique index concurrently i on t (a);", "CREATE INDEX CONCURRENTLY"),
        ("DROP INDEX CONCURRENTLY IF EXISTS i;", "DROP INDEX CONCURRENTLY"),
        ("REINDEX (VERBOSE) TABLE CONCURRENTLY t;", "REINDEX … CONCURRENTLY"),
        ("ALTER TABLE t DETACH PARTITION t_2020 CONCURRENTLY;", "DETACH PARTITION … CONCURRENTLY"),
        ("VACUUM (ANALYZE) t;", "VACUUM"),
        ("vacuum;", "VACUUM"),
        ("CREATE DATABASE other;", "CREATE DATABASE"),
        ("ALTER SYSTEM SET work_mem = '64MB';", "ALTER SYSTEM"),
    ])
    func isAnErrorInATransactionalMigration(_ statement: String, _ named: String) throws {
        let text = "-- lifeboat:allow-destructive\nCREATE TABLE a (id int);\n\(statement)\n"
        let error = #expect(throws: CatalogError.self) { try parse(text) }
        #expect(error == .needsNoTransaction(file: file, line: 3, statement: named))
        #expect(error?.description.contains("\(file):3") == true)
        #expect(error?.description.contains("-- lifeboat:no-transaction") == true)
        #expect(error?.category == .validation)
    }

    @Test func isAnErrorInTheDownAndVerifySectionsToo() {
        #expect(throws: CatalogError.needsNoTransaction(file: file, line: 3, statement: "DROP INDEX CONCURRENTLY")) {
            try parse("CREATE TABLE a (id int);\n-- lifeboat:down\nDROP INDEX CONCURRENTLY i;\n")
        }
        #expect(throws: CatalogError.needsNoTransaction(file: file, line: 4, statement: "VACUUM")) {
            try parse("CREATE TABLE a (id int);\n-- lifeboat:verify\nSELECT 1;\nVACUUM;\n")
        }
    }

    @Test func isAllowedInANoTransactionMigration() throws {
        let m = try parse("-- lifeboat:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\nVACUUM t;\n")
        #expect(m.noTransaction)
        let dbmate = try parse("-- migrate:up transaction:false\nREINDEX INDEX CONCURRENTLY i;\n")
        #expect(dbmate.noTransaction)
    }

    @Test func commentsStringsBodiesAndNamesDoNotCount() throws {
        _ = try parse("""
            -- CREATE INDEX CONCURRENTLY i ON t (a);
            /* VACUUM; */
            SELECT 'VACUUM', 'CREATE DATABASE x';
            CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; END $$;
            DO $body$ BEGIN EXECUTE 'VACUUM'; END $body$;
            CREATE TABLE vacuum (concurrently int, "VACUUM" int);
            ALTER TABLE vacuum ADD COLUMN detach int;
            CREATE INDEX concurrently_i ON vacuum (concurrently);
            REFRESH MATERIALIZED VIEW CONCURRENTLY v;
            SELECT vacuum FROM t;
            """)
    }
}
