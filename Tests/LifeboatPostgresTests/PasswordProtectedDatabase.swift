import Foundation
import LifeboatKit
@testable import LifeboatPostgres

/// A test database reached as a role made for one test only, with its own password, so that
/// nothing else running on the machine can be mistaken for a leak of it; filled with `rows` rows
/// of bulk data so that `pg_dump` runs for a while.
enum PasswordProtectedDatabase {
    static func with(rows: Int, _ body: (_ url: String, _ password: String) throws -> Void) throws {
        let role = "lifeboat_secret_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8).lowercased()
        let password = "Pw-" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let admin = try PostgresEngine.open(try PostgresTestEnvironment.requireURL(), options: EngineOptions())
        defer { admin.close() }
        try admin.execute(SQLScript("CREATE ROLE \(role) LOGIN SUPERUSER PASSWORD '\(password)'"))
        defer { try? admin.execute(SQLScript("DROP ROLE IF EXISTS \(role)")) }

        try TestDatabase.with { database in
            var components = URLComponents(string: database.url.original)!
            components.user = role
            components.password = password
            let url = components.string!
            let setup = try PostgresEngine.open(try DatabaseURL(url), options: EngineOptions())
            defer { setup.close() }
            try setup.execute(SQLScript("""
                CREATE TABLE bulk (id int PRIMARY KEY, body text);
                INSERT INTO bulk SELECT g, md5(g::text) || md5((g + 1)::text) FROM generate_series(1, \(rows)) g;
                """))
            try body(url, password)
        }
    }
}
