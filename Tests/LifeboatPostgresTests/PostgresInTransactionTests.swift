import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// Issue 11, item 5: `DatabaseEngine.inTransaction` commits, rolls back on an error, and a
/// rollback that fails too never hides the body's error.
@Suite("inTransaction on PostgreSQL", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresInTransactionTests {
    struct BodyFailure: Error, Equatable {}

    @Test("commits what the body did and returns its value; rolls back when the body throws")
    func commitsAndRollsBack() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            try engine.execute(SQLScript("CREATE TABLE things (id int PRIMARY KEY)"))
            let value = try engine.inTransaction {
                try engine.execute(SQLScript("INSERT INTO things VALUES (1)"))
                return 42
            }
            #expect(value == 42)
            #expect(throws: BodyFailure()) {
                try engine.inTransaction {
                    try engine.execute(SQLScript("INSERT INTO things VALUES (2)"))
                    throw BodyFailure()
                }
            }
            #expect(try engine.value("SELECT string_agg(id::text, ',' ORDER BY id) FROM things") == "1")
        }
    }

    @Test("when the rollback fails too (the connection is gone), the body's error is the one thrown")
    func rollbackFailureDoesNotHideTheError() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            try engine.execute(SQLScript("CREATE TABLE things (id int PRIMARY KEY)"))
            #expect(throws: BodyFailure()) {
                try engine.inTransaction {
                    try engine.execute(SQLScript("INSERT INTO things VALUES (1)"))
                    engine.close()
                    // A rollback now fails (no connection): the one inTransaction makes must not
                    // replace this error.
                    #expect(throws: EngineError.self) { try engine.rollback() }
                    throw BodyFailure()
                }
            }
            let other = try database.open()
            defer { other.close() }
            #expect(try other.value("SELECT count(*) FROM things") == "0", "nothing was committed")
        }
    }
}
