import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

@Suite("Snapshots and restore", .enabled(if: PostgresTestEnvironment.shouldRun))
struct PostgresSnapshotTests {
    /// A database with a bit of everything a restore must bring back exactly.
    static let setup = #"""
        CREATE SCHEMA app;
        CREATE TYPE public.mood AS ENUM ('happy', 'sad');
        CREATE TABLE app.accounts (
            id bigserial PRIMARY KEY,
            email text UNIQUE NOT NULL,
            balance numeric(12, 2) NOT NULL DEFAULT 0 CHECK (balance >= 0),
            mood public.mood,
            note text
        );
        CREATE TABLE public.orders (
            id serial PRIMARY KEY,
            account_id bigint NOT NULL REFERENCES app.accounts (id),
            tags text[],
            data jsonb,
            blob bytea
        );
        CREATE INDEX orders_account ON public.orders (account_id);
        CREATE SEQUENCE public.invoice_numbers START 1000;
        CREATE VIEW public.order_count AS SELECT account_id, count(*) AS n FROM public.orders GROUP BY account_id;
        CREATE FUNCTION app.stamp() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            NEW.note := coalesce(NEW.note, '') || ';stamped';
            RETURN NEW;
        END;
        $body$;
        CREATE TRIGGER accounts_stamp BEFORE INSERT ON app.accounts FOR EACH ROW EXECUTE FUNCTION app.stamp();
        INSERT INTO app.accounts (email, balance, mood, note) VALUES
            ('a@example.com', 10.50, 'happy', E'tab\there\nnew line'),
            ('b@example.com', 0, NULL, E'back\\slash and \\. and ''quote'''),
            ('c@example.com', 99.99, 'sad', 'ünïcødé ☕');
        INSERT INTO public.orders (account_id, tags, data, blob) VALUES
            (1, ARRAY['x', 'y;z'], '{"k": [1, 2, {"n": null}]}', '\xdeadbeef'),
            (2, NULL, NULL, NULL),
            (1, '{}', '{}', '');
        SELECT nextval('public.invoice_numbers'), nextval('public.invoice_numbers');
        CREATE TABLE public.lifeboat_history (version text PRIMARY KEY, description text NOT NULL);
        INSERT INTO public.lifeboat_history VALUES ('0001', 'init');
        """#

    /// Changes made after the snapshot: data, sequences, new objects, dropped and altered ones.
    static let changes = """
        INSERT INTO app.accounts (email) VALUES ('late@example.com');
        UPDATE app.accounts SET balance = balance + 1;
        DELETE FROM public.orders WHERE id = 2;
        SELECT nextval('public.invoice_numbers');
        CREATE TABLE public.created_later (id int);
        CREATE SCHEMA later;
        CREATE TABLE later.things (id int);
        CREATE FUNCTION public.added() RETURNS int LANGUAGE sql AS 'SELECT 1';
        DROP VIEW public.order_count;
        ALTER TABLE public.orders ADD COLUMN extra int;
        ALTER TYPE public.mood ADD VALUE 'meh';
        INSERT INTO public.lifeboat_history VALUES ('0002', 'later');
        """

    func snapshot(_ engine: PostgresEngine) throws -> Data {
        try withScratchFolder { scratch in
            let sink = DataSink()
            let count = try engine.writeSnapshot(to: sink, scratch: scratch)
            #expect(count == Int64(sink.data.count))
            return sink.data
        }
    }

    func restore(_ engine: PostgresEngine, _ payload: Data, maxChunk: Int = .max) throws {
        try withScratchFolder { scratch in
            try engine.restoreSnapshot(from: DataSource(payload, maxChunk: maxChunk), scratch: scratch)
        }
    }

    /// Everything that must be equal: the full schema dump (owners and privileges too) and every
    /// table's rows and every sequence's state.
    func state(_ engine: PostgresEngine) throws -> String {
        let invocation = try engine.dumpInvocation(arguments: ["--schema-only"], scratch: FileManager.default.temporaryDirectory)
        var dump = Data()
        _ = try engine.runClient(invocation, scratch: FileManager.default.temporaryDirectory) { dump.append(contentsOf: $0) }
        let schema = String(decoding: dump, as: UTF8.self).split(separator: "\n")
            .filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }.joined(separator: "\n")
        var text = schema + "\n"
        let tables = try engine.rows("""
            SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
            WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1
            """)
        for row in tables {
            let name = row[0]!
            let contents = try engine.value("SELECT string_agg(t::text, E'\\n' ORDER BY t::text) FROM \(name) t")
            text += "\(name):\n\(contents ?? "")\n"
        }
        for row in try engine.rows("SELECT schemaname, sequencename, last_value FROM pg_sequences ORDER BY 1, 2") {
            text += "sequence \(row[0]!).\(row[1]!) = \(row[2] ?? "NULL")\n"
        }
        return text
    }

    @Test("snapshot then restore is exact: later objects are gone, data and sequences are back")
    func restoreIsExact() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            try engine.execute(SQLScript(Self.setup))
            let before = try state(engine)
            let payload = try snapshot(engine)
            let text = String(decoding: payload, as: UTF8.self)
            #expect(text.contains("PostgreSQL database dump complete"))
            #expect(text.contains("lifeboat_history"))

            #expect(try engine.tryLock(key: "lifeboat_history") == .acquired)
            try engine.execute(SQLScript(Self.changes))
            #expect(try state(engine) != before)

            try restore(engine, payload)
            #expect(try state(engine) == before)
            #expect(try engine.value("SELECT to_regclass('public.created_later') IS NULL") == "t")
            #expect(try engine.value("SELECT to_regnamespace('later') IS NULL") == "t")
            #expect(try engine.value("SELECT nextval('public.invoice_numbers')") == "1002")
            #expect(try engine.value("SELECT nextval('app.accounts_id_seq')") == "4")
            #expect(try engine.value("SELECT count(*) FROM public.lifeboat_history") == "1")
            // Constraints came back and hold.
            #expect(throws: EngineError.self) {
                try engine.execute(SQLScript("INSERT INTO public.orders (account_id) VALUES (999)"))
            }
            // The session is as Lifeboat left it, and still holds the run lock.
            #expect(try engine.value("SHOW lock_timeout") == "5s")
            #expect(try engine.value("SHOW search_path") == "\"$user\", public")
            let other = try database.open()
            defer { other.close() }
            if case .acquired = try other.tryLock(key: "lifeboat_history") {
                Issue.record("the run lock was lost during the restore")
            }
        }
    }

    @Test("extensions, domains, materialized views, large objects and event triggers come back exactly")
    func moreObjectKinds() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            try engine.execute(SQLScript(#"""
                CREATE EXTENSION citext;
                CREATE DOMAIN public.positive AS int CHECK (VALUE > 0);
                CREATE TABLE public.people (id int PRIMARY KEY, email citext UNIQUE, age public.positive);
                INSERT INTO public.people VALUES (1, 'A@Example.com', 30);
                CREATE MATERIALIZED VIEW public.adults AS SELECT * FROM public.people WHERE age >= 18;
                SELECT lo_from_bytea(424242, 'large object bytes');
                CREATE FUNCTION public.note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
                CREATE EVENT TRIGGER note_ddl ON ddl_command_end EXECUTE FUNCTION public.note_ddl();
                """#))
            let before = try state(engine)
            let payload = try snapshot(engine)
            try engine.execute(SQLScript("""
                INSERT INTO public.people VALUES (2, 'b@example.com', 40);
                REFRESH MATERIALIZED VIEW public.adults;
                SELECT lo_from_bytea(515151, 'created later');
                SELECT lo_put(424242, 0, 'LARGE');
                CREATE EXTENSION pg_trgm;
                """))
            try restore(engine, payload)
            #expect(try state(engine) == before)
            #expect(try engine.value("SELECT convert_from(lo_get(424242), 'UTF8')") == "large object bytes")
            #expect(try engine.value("SELECT count(*) FROM pg_largeobject_metadata") == "1")
            #expect(try engine.value("SELECT count(*) FROM public.adults") == "1")
            #expect(try engine.value("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'") == "0")
            #expect(try engine.value("SELECT count(*) FROM public.people WHERE email = 'a@example.COM'") == "1")
            #expect(try engine.value("SELECT count(*) FROM pg_event_trigger") == "1")
        }
    }

    @Test("restoring the same snapshot twice, and into an emptied database, is still exact")
    func restoreTwice() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            try engine.execute(SQLScript(Self.setup))
            let before = try state(engine)
            let payload = try snapshot(engine)
            try restore(engine, payload)
            try restore(engine, payload, maxChunk: 4_099)
            #expect(try state(engine) == before)
            try engine.execute(SQLScript("DROP SCHEMA app CASCADE; DROP SCHEMA public CASCADE;"))
            try restore(engine, payload)
            #expect(try state(engine) == before)
        }
    }

    @Test("a snapshot of an empty database restores to an empty database")
    func emptyDatabase() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            let before = try state(engine)
            let payload = try snapshot(engine)
            try engine.execute(SQLScript(Self.setup))
            try restore(engine, payload)
            #expect(try state(engine) == before)
        }
    }

    @Test("a truncated snapshot is refused and the database is unchanged")
    func truncatedLeavesDatabaseUnchanged() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            try engine.execute(SQLScript(Self.setup))
            let payload = try snapshot(engine)
            try engine.execute(SQLScript(Self.changes))
            let after = try state(engine)

            let text = String(decoding: payload, as: UTF8.self)
            let marker = try #require(text.range(of: "-- PostgreSQL database dump complete"))
            let cuts = [
                payload.prefix(payload.count * 2 / 3),                         // somewhere in the middle
                Data(text[..<marker.lowerBound].utf8),                        // every statement, no end marker
                Data(text[..<text.range(of: "\\.\n")!.lowerBound].utf8),      // inside the first COPY's data
            ]
            for cut in cuts {
                let error = try #require(throws: EngineError.self) { try restore(engine, cut) }
                #expect(error.category == .snapshot)
                #expect(error.description.contains("unchanged"))
                #expect(try state(engine) == after)
            }
        }
    }

    @Test("a statement failing part-way through the restore leaves the database unchanged")
    func failingStatementLeavesDatabaseUnchanged() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            try engine.execute(SQLScript(Self.setup))
            let payload = try snapshot(engine)
            try engine.execute(SQLScript(Self.changes))
            let after = try state(engine)

            var text = String(decoding: payload, as: UTF8.self)
            let firstCopyEnd = try #require(text.range(of: "\\.\n"))
            text.insert(contentsOf: "\nSELECT 1 / 0;\n", at: firstCopyEnd.upperBound)
            let error = try #require(throws: EngineError.self) { try restore(engine, Data(text.utf8)) }
            #expect(error.description.contains("division by zero"))
            #expect(try state(engine) == after)

            // Bad COPY data fails too, and changes nothing.
            var badCopy = String(decoding: payload, as: UTF8.self)
            badCopy.insert(contentsOf: "not\ta\tvalid\trow\n", at: firstCopyEnd.lowerBound)
            #expect(throws: EngineError.self) { try restore(engine, Data(badCopy.utf8)) }
            #expect(try state(engine) == after)
            // And the engine is usable afterwards.
            #expect(try engine.value("SELECT count(*) FROM public.created_later") == "0")
        }
    }

    @Test("a restore blocked by another session's lock gives up after lock_timeout, changing nothing")
    func blockedRestore() throws {
        try TestDatabase.with { database in
            let engine = try database.open(lockTimeoutMs: 300)
            defer { engine.close() }
            try engine.execute(SQLScript(Self.setup))
            let payload = try snapshot(engine)
            try engine.execute(SQLScript(Self.changes))
            let after = try state(engine)

            let reader = try database.open()
            defer { reader.close() }
            try reader.begin()
            _ = try reader.evaluateAssertion(SQLScript("SELECT count(*) FROM public.orders"))
            let error = try #require(throws: EngineError.self) { try restore(engine, payload) }
            #expect(error.description.contains("lock timeout"))
            try reader.rollback()
            #expect(try state(engine) == after)
        }
    }

    @Test("large tables stream through COPY across buffer boundaries")
    func largeTable() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            try engine.execute(SQLScript("""
                CREATE TABLE big (id int PRIMARY KEY, body text);
                INSERT INTO big SELECT g, repeat(md5(g::text), 3) || E'\\t\\n\\\\' FROM generate_series(1, 40000) g;
                """))
            let checksum = "SELECT md5(string_agg(id::text || body, ',' ORDER BY id)) FROM big"
            let expected = try engine.value(checksum)
            let payload = try snapshot(engine)
            #expect(payload.count > 4_000_000)
            try engine.execute(SQLScript("DELETE FROM big WHERE id % 2 = 0"))
            try restore(engine, payload, maxChunk: 100_003)
            #expect(try engine.value(checksum) == expected)
        }
    }

    @Test("pg_dump never sees the password on its command line or in its environment")
    func noPasswordInArgv() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            let password = try PostgresTestEnvironment.password()
            try engine.execute(SQLScript("CREATE TABLE t (id int, body text); INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 100000) g;"))

            let watcher = ProcessWatchingSink(secret: password)
            _ = try withScratchFolder { try engine.writeSnapshot(to: watcher, scratch: $0) }
            // The output is far larger than a pipe buffer, so pg_dump is still running at the first write.
            #expect(watcher.sawDump, "pg_dump was not seen running while it wrote")
            #expect(watcher.leaks.isEmpty, "the password was visible in \(watcher.leaks)")

            try withScratchFolder { scratch in
                let invocation = try engine.dumpInvocation(arguments: ["--format=plain"], scratch: scratch)
                defer { invocation.environment.cleanUp() }
                #expect(!invocation.arguments.joined(separator: " ").contains(password))
                #expect(!invocation.environment.variables.values.contains { $0.contains(password) })
                #expect(invocation.environment.variables["PGPASSWORD"] == nil)
                // SPEC v2: the passfile has no name; the child reads it as its descriptor 3.
                #expect(invocation.environment.variables["PGPASSFILE"] == "/dev/fd/3")
                let descriptor = try #require(invocation.environment.passfileDescriptor)
                let passfile = "/proc/self/fd/\(descriptor)"
                var info = stat()
                #expect(fstat(descriptor, &info) == 0 && info.st_mode & 0o777 == 0o600 && info.st_nlink == 0)
                #expect(try String(contentsOfFile: passfile, encoding: .utf8).contains(password))
                #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
                invocation.environment.cleanUp()
                #expect(invocation.environment.passfileDescriptor == nil)
            }
            // Nothing left in the scratch folder either.
            try withScratchFolder { scratch in
                _ = try engine.writeSnapshot(to: DataSink(), scratch: scratch)
                #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
            }
        }
    }

    @Test("a pg_dump older than the server is refused up front, naming both versions")
    func oldPgDumpRefused() throws {
        try TestDatabase.with { database in
            try withScratchFolder { folder in
                try fakePgDump(in: folder, script: "echo 'pg_dump (PostgreSQL) 9.6.24'")
                let engine = try PostgresEngine.open(database.url, options: EngineOptions(postgresBinDirectory: folder.path))
                defer { engine.close() }
                let sink = DataSink()
                let error = try #require(throws: EngineError.self) { try engine.writeSnapshot(to: sink, scratch: folder) }
                guard case .snapshotFailed(let message) = error else { Issue.record("got \(error)"); return }
                #expect(message.contains("9.6.24"))
                #expect(message.contains(engine.serverVersion.description))
                #expect(message.contains("PostgreSQL \(engine.serverVersion.major) client"))
                #expect(sink.data.isEmpty)
            }
        }
    }

    @Test("a failing pg_dump is snapshotFailed with its message, the password scrubbed")
    func failingPgDump() throws {
        try TestDatabase.with { database in
            try withScratchFolder { folder in
                try fakePgDump(in: folder, script: """
                    if [ "$1" = "--version" ]; then echo 'pg_dump (PostgreSQL) 99.0'; exit 0; fi
                    echo "pg_dump: error: cannot dump; passfile says $(cat "$PGPASSFILE")" >&2
                    exit 1
                    """)
                let engine = try PostgresEngine.open(database.url, options: EngineOptions(postgresBinDirectory: folder.path))
                defer { engine.close() }
                let error = try #require(throws: EngineError.self) { try engine.writeSnapshot(to: DataSink(), scratch: folder) }
                #expect(error.category == .snapshot)
                #expect(error.description.contains("pg_dump failed"))
                #expect(error.description.contains("cannot dump"))
                #expect(!error.description.contains(try PostgresTestEnvironment.password()))
            }
        }
    }

    @Test("schema() is pg_dump --schema-only without owners, privileges and volatile lines, and stable")
    func schema() throws {
        try TestDatabase.with { database in
            let engine = try database.open()
            defer { engine.close() }
            try engine.execute(SQLScript(Self.setup))
            let table = try HistoryTable()
            let first = try engine.schema(excluding: table)
            let second = try engine.schema(excluding: table)
            #expect(first == second)
            #expect(first.contains("CREATE TABLE app.accounts"))
            #expect(first.contains("CREATE TABLE public.lifeboat_history"))
            for volatile in ["Dumped from", "Dumped by", "\\restrict", "\\unrestrict", "OWNER TO", "GRANT ", "COPY ", "0001"] {
                #expect(!first.contains(volatile), "schema contains \(volatile)")
            }
            #expect(!first.split(separator: "\n").contains { $0.hasPrefix("SET ") })
            #expect(!first.contains("\n\n\n"))
        }
    }

    /// An executable `pg_dump` shell script in `folder`.
    func fakePgDump(in folder: URL, script: String) throws {
        let file = folder.appendingPathComponent("pg_dump")
        try ("#!/bin/sh\n" + script + "\n").write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
    }
}

/// While the dump is being written (pg_dump is running), looks at every process's command line
/// and environment for the secret.
final class ProcessWatchingSink: ByteSink {
    let secret: String
    var sawDump = false
    var leaks: [String] = []
    private var checks = 0

    init(secret: String) { self.secret = secret }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard checks < 3 else { return }
        checks += 1
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for pid in entries where Int(pid) != nil {
            // pg_dump's own command line and environment: other tests running at the same time
            // may hand the shared test server's URL to psql or a script on theirs.
            guard let commandLine = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            let program = String(decoding: commandLine.prefix { $0 != 0 }, as: UTF8.self)
            guard program.hasSuffix("pg_dump") else { continue }
            sawDump = true
            for file in ["cmdline", "environ"] {
                guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/\(file)") else { continue }
                let text = String(decoding: data, as: UTF8.self)
                // Lifeboat's pg_dump reads a passfile; a test's own pg_dump may get PGPASSWORD.
                guard file == "cmdline" || text.contains("PGPASSFILE") else { continue }
                if text.contains(secret) { leaks.append("/proc/\(pid)/\(file)") }
            }
        }
    }
}
