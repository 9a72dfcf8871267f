import Foundation
@testable import LifeboatPostgres
import Testing

@Suite("Reading a plain pg_dump as a stream")
struct SQLDumpReaderTests {
    static let dump = """
        --
        -- PostgreSQL database dump
        --

        \\restrict abc123

        SET statement_timeout = 0;
        CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $_$SELECT 'a;b'$_$;
        CREATE FUNCTION g() RETURNS integer LANGUAGE sql
            BEGIN ATOMIC
             SELECT 1;
             SELECT CASE WHEN true THEN 2 END;
            END;
        COMMENT ON TABLE public.t IS E'it\\'s; -- not a comment' /* a; /* b; */ c; */;

        COPY public.t (id, body) FROM stdin;
        1\tplain
        2\t\\\\. not the end
        3\t\\N
        \\.

        COPY public.empty (id) FROM stdin;
        \\.

        SELECT pg_catalog.setval('public.t_id_seq', 3, true);

        --
        -- PostgreSQL database dump complete
        --

        \\unrestrict abc123

        """

    enum Event: Equatable {
        case statement(String)
        case meta(String)
        case copy(String)
    }

    func events(_ text: String, maxChunk: Int, chunkSize: Int) throws -> (events: [Event], complete: Bool) {
        let reader = SQLDumpReader(source: DataSource(text, maxChunk: maxChunk), chunkSize: chunkSize)
        var events: [Event] = []
        while let piece = try reader.next() {
            switch piece {
            case .metaCommand(let line):
                events.append(.meta(line))
            case .statement(let sql):
                events.append(.statement(sql))
                if sql.hasPrefix("COPY ") {
                    var data = Data()
                    try reader.copyData { data.append(contentsOf: $0) }
                    events.append(.copy(String(decoding: data, as: UTF8.self)))
                }
            }
        }
        return (events, reader.isComplete)
    }

    @Test("statements, meta-commands and COPY data, whatever the chunk size", arguments: [1, 2, 3, 7, 64, 1 << 20])
    func chunked(size: Int) throws {
        let (events, complete) = try events(Self.dump, maxChunk: size, chunkSize: size)
        #expect(events == [
            .meta("\\restrict abc123"),
            .statement("SET statement_timeout = 0;"),
            .statement("CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $_$SELECT 'a;b'$_$;"),
            // pg_dump writes a SQL-standard body over several lines; it is one statement.
            .statement("CREATE FUNCTION g() RETURNS integer LANGUAGE sql\n    BEGIN ATOMIC\n     SELECT 1;\n"
                + "     SELECT CASE WHEN true THEN 2 END;\n    END;"),
            .statement("COMMENT ON TABLE public.t IS E'it\\'s; -- not a comment' /* a; /* b; */ c; */;"),
            .statement("COPY public.t (id, body) FROM stdin;"),
            .copy("1\tplain\n2\t\\\\. not the end\n3\t\\N\n"),
            .statement("COPY public.empty (id) FROM stdin;"),
            .copy(""),
            .statement("SELECT pg_catalog.setval('public.t_id_seq', 3, true);"),
            .meta("\\unrestrict abc123"),
        ])
        #expect(complete)
    }

    @Test("without the closing marker the dump is incomplete", arguments: [1, 5, 1 << 20])
    func incomplete(size: Int) throws {
        let cut = String(Self.dump[..<Self.dump.range(of: "-- PostgreSQL database dump complete")!.lowerBound])
        #expect(try !events(cut, maxChunk: size, chunkSize: size).complete)
    }

    @Test("a dump that ends inside COPY data or inside a statement is truncated")
    func truncated() throws {
        let insideCopy = String(Self.dump[..<Self.dump.range(of: "3\t")!.lowerBound])
        #expect(throws: SQLDumpReader.ReadError.self) { try events(insideCopy, maxChunk: 3, chunkSize: 3) }
        let insideStatement = String(Self.dump[..<Self.dump.range(of: "LANGUAGE sql")!.lowerBound])
        #expect(throws: SQLDumpReader.ReadError.self) { try events(insideStatement, maxChunk: 4, chunkSize: 4) }
    }

    @Test("long COPY rows are streamed in pieces, not held whole")
    func longRows() throws {
        let row = String(repeating: "x", count: 10_000)
        let text = "COPY t (v) FROM stdin;\n\(row)\n\(row)\n\\.\n-- PostgreSQL database dump complete\n"
        let reader = SQLDumpReader(source: DataSource(text, maxChunk: 1_000), chunkSize: 1_000)
        _ = try reader.next()
        var largest = 0
        var total = 0
        try reader.copyData { bytes in
            largest = max(largest, bytes.count)
            total += bytes.count
        }
        #expect(total == 2 * 10_001)
        #expect(largest <= 2_000)
        #expect(try reader.next() == nil)
        #expect(reader.isComplete)
    }
}
