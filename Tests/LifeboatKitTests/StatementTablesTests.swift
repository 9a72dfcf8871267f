import LifeboatCatalog
import LifeboatCore
import Testing

/// The tables a statement names (where to look for sessions in the way of a lock) and whether a
/// statement cancelled by a lock timeout did nothing (so a no-transaction migration may run it again).
@Suite struct StatementTablesTests {
    @Test("table names after ALTER TABLE, ON, INTO, UPDATE, FROM, REFERENCES; quoted kept, unquoted folded, no repeats")
    func names() {
        let script = SQLScript("""
            ALTER TABLE IF EXISTS ONLY Orders ADD COLUMN customer int REFERENCES app."Customers" (id);
            CREATE INDEX orders_customer ON orders (customer);
            INSERT INTO audit SELECT * FROM orders;
            UPDATE ledger SET x = 1;
            DELETE FROM "Old Rows";
            """)
        #expect(StatementTables.tables(in: script) == ["\"orders\"", "\"app\".\"Customers\"", "\"audit\"", "\"ledger\"", "\"Old Rows\""])
    }

    @Test("nothing in comments or strings counts")
    func commentsAndStrings() {
        let script = SQLScript("-- ALTER TABLE ghosts\n/* FROM phantoms */ SELECT 'UPDATE spirits';\n")
        #expect(StatementTables.tables(in: script).isEmpty)
    }

    @Test("a plain statement runs in a transaction of its own; CONCURRENTLY, VACUUM and friends do not")
    func ownTransaction() {
        #expect(StatementTables.runsInOneTransaction(SQLScript("ALTER TABLE t ADD COLUMN note text")))
        #expect(StatementTables.runsInOneTransaction(SQLScript("CREATE INDEX t_note ON t (note)")))
        #expect(!StatementTables.runsInOneTransaction(SQLScript("CREATE INDEX CONCURRENTLY t_note ON t (note)")))
        #expect(!StatementTables.runsInOneTransaction(SQLScript("DROP INDEX CONCURRENTLY t_note")))
        #expect(!StatementTables.runsInOneTransaction(SQLScript("VACUUM t")))
    }
}
