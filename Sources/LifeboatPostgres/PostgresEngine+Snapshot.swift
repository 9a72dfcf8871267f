import Foundation
import LifeboatCore

/// Snapshots and schema dumps, both with `pg_dump`.
///
/// **Why plain SQL.** A snapshot is `pg_dump --format=plain` output (the whole database, the
/// history table included, owners and privileges included). The restore (`+Restore`) must clear
/// the database and replay the snapshot in *one* transaction on *one* connection to be
/// all-or-nothing; plain SQL can be streamed straight into that connection (`SQLDumpReader`),
/// whereas a custom-format archive would first have to be turned into SQL by `pg_restore -f -`
/// anyway. Lifeboat gzips the payload itself, so the custom format's compression brings nothing;
/// and a person can recover without Lifeboat:
/// `gunzip -c ID.sql.gz | psql -X -1 -v ON_ERROR_STOP=1 -d DATABASE` (into an empty database).
extension PostgresEngine {
    /// How a client program would be run: for tests and for the checks below.
    struct ClientInvocation {
        var program: URL
        var arguments: [String]
        var environment: PostgresClientEnvironment
    }

    /// Streams `pg_dump`'s plain SQL into `sink` (in 1 MiB buffers) and returns its size. The dump
    /// is one consistent transaction (pg_dump's own snapshot). Refuses up front when `pg_dump` is
    /// older than the server. Throws `EngineError.snapshotFailed` with pg_dump's message: here every
    /// failure (a missing or old pg_dump included) is a snapshot failure; `schema` keeps the facts.
    public func writeSnapshot(to sink: ByteSink, scratch: URL) throws -> Int64 {
        do {
            return try dump(to: sink, scratch: scratch)
        } catch let error as EngineError {
            if case .snapshotFailed = error { throw error }
            throw EngineError.snapshotFailed(error.description)
        }
    }

    private func dump(to sink: ByteSink, scratch: URL) throws -> Int64 {
        var arguments = ["--format=plain", "--encoding=UTF8"]
        if options.statementLockTimeoutMs > 0 {
            // Wait for table locks no longer than migrations would, instead of forever.
            arguments.append("--lock-wait-timeout=\(options.statementLockTimeoutMs)")
        }
        let invocation = try dumpInvocation(arguments: arguments, scratch: scratch)
        options.log("snapshot: \(invocation.program.path) \(invocation.arguments.joined(separator: " "))")
        return try runClient(invocation, scratch: scratch) { bytes in try sink.write(bytes) }
    }

    /// The normalised schema: `pg_dump --schema-only --no-owner --no-privileges` without the lines
    /// that vary between runs and versions (version comments, `\restrict`, `SET` lines), blank-line
    /// runs folded. The history table's definition is part of it; its rows never are (schema only).
    public func schema(excluding table: HistoryTable) throws -> String {
        let invocation = try dumpInvocation(
            arguments: ["--schema-only", "--no-owner", "--no-privileges", "--format=plain", "--encoding=UTF8"],
            scratch: FileManager.default.temporaryDirectory)
        var output = Data()
        _ = try runClient(invocation, scratch: FileManager.default.temporaryDirectory) { bytes in
            output.append(contentsOf: bytes)
        }
        return Self.normaliseSchema(String(decoding: output, as: UTF8.self))
    }

    static func normaliseSchema(_ dump: String) -> String {
        let volatilePrefixes = ["-- Dumped from database version", "-- Dumped by pg_dump version", "\\restrict",
                                "\\unrestrict", "SET ", "SELECT pg_catalog.set_config('search_path'"]
        var lines: [Substring] = []
        for line in dump.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if volatilePrefixes.contains(where: { trimmed.hasPrefix($0) }) { continue }
            if trimmed.isEmpty && (lines.last.map { $0.trimmingCharacters(in: .whitespaces).isEmpty } ?? true) { continue }
            lines.append(trimmed.isEmpty ? "" : line)
        }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `pg_dump` with `arguments`, connected like this engine, the password in a 0600 passfile.
    func dumpInvocation(arguments: [String], scratch: URL) throws -> ClientInvocation {
        let (program, version) = try dumpProgram()
        try PostgresTools.checkDump(version: version, program: program.path, server: serverVersion)
        return ClientInvocation(program: program, arguments: ["--no-password"] + arguments,
                                environment: try clientEnvironment(scratch: scratch))
    }

    /// The environment for a client program reaching the same database as `connection`.
    func clientEnvironment(scratch: URL) throws -> PostgresClientEnvironment {
        let applicationName = connectionParameters.last(where: { $0.0 == "application_name" })?.1 ?? "lifeboat"
        let others = connectionParameters.filter { !["host", "port", "user", "password", "dbname"].contains($0.0) }
        return try PostgresClientEnvironment(
            host: connection.host, port: connection.port, user: connection.user, database: connection.database,
            password: connection.password, parameters: others, applicationName: applicationName, scratch: scratch)
    }

    /// Runs a client program, streaming its standard output into `consume` in 1 MiB buffers, and
    /// returns the number of bytes. Its standard error is kept in memory (`ChildErrorLog`, never a
    /// file that a kill would leave behind) and, when it fails, goes into the
    /// `EngineError.failed` message (password scrubbed). The passfile is closed afterwards,
    /// whatever happens.
    func runClient(_ invocation: ClientInvocation, scratch: URL,
                   consume: (UnsafeRawBufferPointer) throws -> Void) throws -> Int64 {
        let environment = invocation.environment
        defer { environment.cleanUp() }
        let name = invocation.program.lastPathComponent
        let errorLog = try ChildErrorLog(program: name)
        defer { errorLog.finish() }

        let child = try ChildProcess.start(invocation.program.path, arguments: invocation.arguments,
                                           environment: environment.variables, captureOutput: true,
                                           standardError: errorLog.writeEnd,
                                           descriptor3: environment.passfileDescriptor)
        errorLog.startReading()
        guard let output = child.output else { throw EngineError.failed("\(name) has no output pipe") }
        defer { Foundation.close(output) }

        var total: Int64 = 0
        let bufferSize = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        do {
            while true {
                let count = read(output, buffer.baseAddress, bufferSize)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw EngineError.failed("reading \(name)'s output failed: \(String(cString: strerror(errno)))")
                }
                if count == 0 { break }
                try consume(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                total += Int64(count)
            }
        } catch {
            child.terminate()
            _ = child.wait()
            throw error
        }
        let termination = child.wait()
        guard termination == .exited(0) else {
            let message = errorLog.finish()
            let how: String
            switch termination {
            case .exited(let status): how = "exit status \(status)"
            case .signalled(let signal): how = "signal \(signal)"
            }
            throw EngineError.failed("\(name) failed (\(how)): "
                + environment.scrub(Self.oneLine(String(message.suffix(4_000)))))
        }
        return total
    }
}
