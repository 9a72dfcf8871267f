import Foundation
import LifeboatCore

/// Restoring a plain-SQL snapshot, all-or-nothing, in bounded memory.
///
/// In **one transaction on this engine's connection**:
/// 1. clear the database: drop every user schema except `public` (with everything in it), drop
///    everything inside `public` (object by object, so the schema keeps its owner, privileges and
///    comment exactly), and drop the database-level objects a dump recreates (event triggers,
///    publications, foreign servers and non-extension wrappers, large objects);
/// 2. replay the dump statement by statement as `SQLDumpReader` streams it from `source`, with
///    `COPY … FROM stdin` data sent through libpq's COPY protocol;
/// 3. check that the dump ended with pg_dump's completion marker (a truncated payload is refused);
/// 4. commit.
///
/// Any failure rolls the transaction back, so the database is as it was; objects created after the
/// snapshot are gone afterwards because step 1 removed them. Sequences come back exactly (the dump's
/// `setval` calls), and so do constraints, which are added after the data. Like
/// `pg_restore --single-transaction`, it needs locks on every object at once (a very large schema
/// may need a higher `max_locks_per_transaction`), and waits for other sessions' locks no longer
/// than `lock_timeout`. Not cleared (rare in migrated databases; a conflict makes the restore fail
/// and change nothing): subscriptions, user-defined casts, languages, access methods, transforms,
/// default privileges, and extensions installed outside user schemas.
extension PostgresEngine {
    public func restoreSnapshot(from source: ByteSource, scratch: URL) throws {
        try sendPending()
        guard !transaction.isOpen, connection.transactionState == .idle else {
            throw EngineError.snapshotFailed("cannot restore inside an open transaction; nothing was changed")
        }
        let reader = SQLDumpReader(source: source)
        try run("BEGIN", doing: "starting the restore transaction")
        var statements = 0
        do {
            try clearDatabase()
            statements = try replay(reader)
            guard reader.isComplete else {
                throw EngineError.snapshotFailed("the snapshot is incomplete (it lacks pg_dump's closing line \"-- PostgreSQL database dump complete\")")
            }
            let result = try run("COMMIT", doing: "committing the restore")
            guard result.commandStatus == "COMMIT" else {
                throw EngineError.snapshotFailed("the server rolled the restore back at COMMIT")
            }
        } catch {
            if connection.transactionState != .idle { _ = try? connection.execute("ROLLBACK") }
            try? applySessionSettings()
            var reason = (error as? EngineError)?.description ?? "\(error)"
            if Self.isLockTimeout(error), let holders = lockHoldersExplanation() { reason += "\n" + holders }
            throw EngineError.snapshotFailed("restore failed and was rolled back; the database is unchanged: \(reason)")
        }
        // The dump set session settings (search_path, lock_timeout, …) that outlive its transaction.
        _ = try? connection.execute("RESET ALL")
        try applySessionSettings()
        options.log("restore: replayed \(statements) statements, \(reader.bytesRead) bytes")
    }

    // MARK: - Replay

    /// Executes every statement of the dump; returns how many.
    private func replay(_ reader: SQLDumpReader) throws -> Int {
        var count = 0
        do {
            while let piece = try reader.next() {
                switch piece {
                case .metaCommand(let line):
                    // pg_dump 17.6, 16.10, 15.14 and later wrap their output in \restrict … \unrestrict,
                    // which only guard psql; anything else would need psql.
                    guard line.hasPrefix("\\restrict") || line.hasPrefix("\\unrestrict") else {
                        throw EngineError.snapshotFailed("the snapshot holds the psql command '\(line.prefix(40))', which Lifeboat cannot replay")
                    }
                case .statement(let sql):
                    count += 1
                    try replay(statement: sql, from: reader)
                }
            }
        } catch let error as SQLDumpReader.ReadError {
            guard case .truncated(let what) = error else { throw error }
            throw EngineError.snapshotFailed("the snapshot is truncated: \(what)")
        }
        return count
    }

    private func replay(statement sql: String, from reader: SQLDumpReader) throws {
        let result: PostgresResult
        do {
            result = try connection.execute(sql, allowCopyIn: true)
        } catch {
            throw EngineError.snapshotFailed("\(error.description)\n  in statement: \(Self.abbreviated(sql))")
        }
        guard result.status == .copyIn else { return }
        do {
            try reader.copyData { bytes in try connection.putCopyData(bytes) }
        } catch {
            _ = try? connection.endCopy(failure: "restore aborted")
            throw error
        }
        do {
            try connection.endCopy()
        } catch {
            throw EngineError.snapshotFailed("\(error.description)\n  in statement: \(Self.abbreviated(sql))")
        }
    }

    // MARK: - Clearing

    /// Drops what the dump will recreate and whatever was created after it (see the type's comment).
    private func clearDatabase() throws {
        let notFromExtension = """
            NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = %@::regclass AND e.objid = x.oid AND e.deptype = 'e')
            """
        func unlessExtension(_ catalog: String) -> String {
            notFromExtension.replacingOccurrences(of: "%@", with: "'\(catalog)'")
        }
        let dropQueries = [
            "SELECT format('DROP EVENT TRIGGER %I', x.evtname) FROM pg_event_trigger x WHERE \(unlessExtension("pg_event_trigger"))",
            "SELECT format('DROP PUBLICATION %I', x.pubname) FROM pg_publication x",
            "SELECT format('DROP SCHEMA %I CASCADE', x.nspname) FROM pg_namespace x WHERE x.nspname !~ '^pg_' AND x.nspname NOT IN ('information_schema', 'public') AND \(unlessExtension("pg_namespace")) ORDER BY 1",
            "SELECT format('DROP SERVER %I CASCADE', x.srvname) FROM pg_foreign_server x WHERE \(unlessExtension("pg_foreign_server"))",
            "SELECT format('DROP FOREIGN DATA WRAPPER %I CASCADE', x.fdwname) FROM pg_foreign_data_wrapper x WHERE \(unlessExtension("pg_foreign_data_wrapper"))",
        ]
        for query in dropQueries {
            for row in try run(query, doing: "listing objects to clear before the restore").rows {
                guard let statement = row.first ?? nil else { continue }
                try run(statement, doing: "clearing the database (\(statement))")
            }
        }
        try run("SELECT count(pg_catalog.lo_unlink(oid)) FROM pg_catalog.pg_largeobject_metadata",
                doing: "removing large objects")
        try clearPublicSchema()
    }

    /// Drop keywords for what `pg_identify_object` calls each kind of object.
    private static let dropKeywords: [String: String] = [
        "extension": "EXTENSION", "table": "TABLE", "view": "VIEW", "materialized view": "MATERIALIZED VIEW",
        "foreign table": "FOREIGN TABLE", "sequence": "SEQUENCE", "index": "INDEX", "composite type": "TYPE",
        "type": "TYPE", "domain": "DOMAIN", "function": "FUNCTION", "procedure": "PROCEDURE",
        "aggregate": "AGGREGATE", "collation": "COLLATION", "conversion": "CONVERSION", "operator": "OPERATOR",
        "operator class": "OPERATOR CLASS", "operator family": "OPERATOR FAMILY",
        "text search configuration": "TEXT SEARCH CONFIGURATION", "text search dictionary": "TEXT SEARCH DICTIONARY",
        "text search parser": "TEXT SEARCH PARSER", "text search template": "TEXT SEARCH TEMPLATE",
        "statistics object": "STATISTICS",
    ]

    /// Empties `public` one object at a time (each `DROP … CASCADE`), asking the catalog again after
    /// each drop, since a drop takes its dependents along. Objects that belong to another object
    /// (a table's row type, an extension's functions) go with it. Recreates `public` with the
    /// server's defaults if a migration dropped it.
    private func clearPublicSchema() throws {
        let exists = try run("SELECT to_regnamespace('public') IS NOT NULL", doing: "looking for schema public")
        guard exists.firstValue == "t" else {
            try recreatePublicSchema()
            return
        }
        let next = """
            SELECT i.type, i.identity
            FROM pg_catalog.pg_depend d, LATERAL pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid) i
            WHERE d.refclassid = 'pg_catalog.pg_namespace'::regclass AND d.refobjid = 'public'::regnamespace
              AND d.deptype = 'n'
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend o
                              WHERE o.classid = d.classid AND o.objid = d.objid AND o.deptype IN ('i', 'e'))
            ORDER BY i.type <> 'extension', i.type NOT IN ('table', 'view', 'materialized view', 'foreign table'),
                     i.type, i.identity
            LIMIT 1
            """
        var dropped = Set<String>()
        while let row = try run(next, doing: "listing the contents of schema public").rows.first {
            let type = row[0] ?? "", identity = row[1] ?? ""
            guard let keyword = Self.dropKeywords[type] else {
                throw EngineError.snapshotFailed("cannot clear \(type) \(identity) from schema public before the restore")
            }
            guard dropped.insert("\(type) \(identity)").inserted else {
                throw EngineError.snapshotFailed("\(type) \(identity) in schema public survived DROP … CASCADE")
            }
            try run("DROP \(keyword) \(identity) CASCADE", doing: "clearing schema public (\(type) \(identity))")
        }
    }

    private func recreatePublicSchema() throws {
        if serverVersion.number >= 150_000 {
            try run("CREATE SCHEMA public AUTHORIZATION pg_database_owner", doing: "recreating schema public")
            try run("GRANT USAGE ON SCHEMA public TO PUBLIC", doing: "recreating schema public")
        } else {
            try run("CREATE SCHEMA public", doing: "recreating schema public")
            try run("GRANT ALL ON SCHEMA public TO PUBLIC", doing: "recreating schema public")
        }
        try run("COMMENT ON SCHEMA public IS 'standard public schema'", doing: "recreating schema public")
    }
}
