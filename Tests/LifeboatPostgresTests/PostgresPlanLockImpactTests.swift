import EngineConformance
import Foundation
import LifeboatKit
import Testing

/// `plan`'s lock-impact report on PostgreSQL (SPEC "PostgreSQL lock safety"): what a linter can
/// only guess, measured in the rehearsal — which lock each statement takes on which existing
/// table, whether it rewrites the table, how many rows it touches — and one verdict in words.
@Suite("plan lock impact on PostgreSQL", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresPlanLockImpactTests {
    /// Three tables with rows, applied for real; each later migration touches a table of its own,
    /// since the one rehearsal transaction keeps every lock an earlier migration took.
    static let base = """
        CREATE TABLE orders (id serial PRIMARY KEY, note text);
        CREATE TABLE customers (id serial PRIMARY KEY, name text);
        CREATE TABLE invoices (id serial PRIMARY KEY, amount int);
        INSERT INTO orders (note) SELECT 'order ' || n FROM generate_series(1, 500) AS n;
        INSERT INTO customers (name) SELECT 'customer ' || n FROM generate_series(1, 200) AS n;
        INSERT INTO invoices (amount) SELECT n FROM generate_series(1, 300) AS n;
        """

    static let migrations = [
        "0001_base.sql": base,
        "0002_order_tokens.sql": """
            -- a volatile default: every existing row gets its own value, so the table is rewritten
            ALTER TABLE orders ADD COLUMN token double precision DEFAULT random();
            """,
        "0003_customer_names.sql": """
            CREATE INDEX customers_name ON customers (name);
            """,
        "0004_invoice_check.sql": """
            ALTER TABLE invoices ADD CONSTRAINT amount_positive CHECK (amount > 0) NOT VALID;
            """,
        "0005_backfill.sql": """
            CREATE TABLE audit (id serial PRIMARY KEY, note text);

            INSERT INTO audit (note) SELECT note FROM orders WHERE id <= 40;
            UPDATE invoices SET amount = amount + 1 WHERE id <= 25;
            """,
    ]

    /// A database at version 0001 and the parsed JSON of `plan` for the rest.
    func planned(_ extra: [String] = []) throws -> (json: [String: Any], text: String, migrations: [[String: Any]]) {
        let database = try PostgresConformanceEngine().makeDatabase()
        defer { database.drop() }
        let folder = try MigrationFolder(Self.migrations)
        let applied = try LifeboatProcess.run(["migrate", "--target", "1", "--no-snapshot", "--migrations", folder.migrations.path],
                                              in: folder.root, databaseURL: database.url)
        #expect(applied.exitCode == 0, "\(applied.output)")
        let before = try database.fingerprint()
        let arguments = ["plan", "--allow-destructive", "--migrations", folder.migrations.path, "--backups", folder.backups.path] + extra
        let json = try LifeboatProcess.run(arguments + ["--format", "json"], in: folder.root, databaseURL: database.url)
        #expect(json.exitCode == 0, "\(json.output)")
        let text = try LifeboatProcess.run(arguments, in: folder.root, databaseURL: database.url)
        #expect(text.exitCode == 0, "\(text.output)")
        #expect(try database.fingerprint() == before, "plan changed the target")
        let object = try json.json()
        return (object, text.stdout, try #require(object["migrations"] as? [[String: Any]]))
    }

    static func locks(_ migration: [String: Any]) -> [[String: Any]] {
        migration["locks"] as? [[String: Any]] ?? []
    }

    @Test("a column with a volatile default on a table with rows: a rewrite and ACCESS EXCLUSIVE, said in words")
    func volatileDefaultRewrites() throws {
        let (_, text, migrations) = try planned()
        let tokens = migrations[0]
        #expect(tokens["version"] as? String == "0002")
        #expect(tokens["rewrites"] as? [String] == ["orders"])
        let locks = Self.locks(tokens)
        #expect(locks.count == 1, "\(locks)")
        #expect(locks.first?["relation"] as? String == "orders")
        #expect(locks.first?["mode"] as? String == "ACCESS EXCLUSIVE")
        #expect(locks.first?["statement_line"] as? Int == 2)
        let verdict = try #require(tokens["verdict"] as? String)
        #expect(verdict.hasPrefix("holds ACCESS EXCLUSIVE on orders ("), "\(verdict)")
        #expect(verdict.contains(": blocks reads and writes; rewrites orders"), "\(verdict)")
        #expect(text.contains("    locks: holds ACCESS EXCLUSIVE on orders ("), "\(text)")
    }

    @Test("CREATE INDEX (not concurrent) holds SHARE and rewrites nothing; the new index is not reported")
    func createIndexTakesShare() throws {
        let (_, _, migrations) = try planned()
        let index = migrations[1]
        #expect(index["rewrites"] as? [String] == [])
        #expect(Self.locks(index).map { $0["relation"] as? String } == ["customers"])
        #expect(Self.locks(index).map { $0["mode"] as? String } == ["SHARE"])
        let verdict = try #require(index["verdict"] as? String)
        #expect(verdict.hasPrefix("holds SHARE on customers ("), "\(verdict)")
        #expect(verdict.hasSuffix(": blocks writes, not reads"), "\(verdict)")
    }

    @Test("ADD CONSTRAINT … NOT VALID rewrites nothing")
    func notValidConstraintDoesNotRewrite() throws {
        let (_, _, migrations) = try planned()
        let check = migrations[2]
        #expect(check["rewrites"] as? [String] == [])
        #expect(Self.locks(check).map { $0["relation"] as? String } == ["invoices"])
        #expect((check["verdict"] as? String)?.contains("rewrites") == false)
    }

    @Test("JSON: locks with statement lines, rows summed, a table created in the same migration is neither locked nor rewritten")
    func jsonShape() throws {
        let (json, _, migrations) = try planned()
        #expect(json["ok"] as? Bool == true)
        for migration in migrations {
            for key in ["locks", "rewrites", "rows", "verdict"] {
                #expect(migration.keys.contains(key), "\(key) missing in \(migration)")
            }
        }
        let backfill = migrations[3]
        #expect(backfill["version"] as? String == "0005")
        #expect(backfill["rows"] as? Int == 65, "40 inserted + 25 updated")
        #expect(backfill["rewrites"] as? [String] == [])
        let locks = Self.locks(backfill)
        #expect(!locks.contains { $0["relation"] as? String == "audit" }, "a new table is no one else's: \(locks)")
        #expect(locks.contains { $0["relation"] as? String == "orders" && $0["mode"] as? String == "ACCESS SHARE" && $0["statement_line"] as? Int == 3 }, "\(locks)")
        #expect(locks.contains { $0["relation"] as? String == "invoices" && $0["mode"] as? String == "ROW EXCLUSIVE" && $0["statement_line"] as? Int == 4 }, "\(locks)")
        #expect(!locks.contains { ($0["relation"] as? String)?.contains("lifeboat_history") == true })
        #expect(!locks.contains { ($0["relation"] as? String)?.hasPrefix("pg_") == true })
    }
}
