import Foundation
import LifeboatCore

/// A PostgreSQL major/minor version, from `PQserverVersion` or a tool's `--version` line.
public struct PostgresVersion: Sendable, Equatable, Comparable, CustomStringConvertible {
    /// `PQserverVersion`'s encoding: 150004 for 15.4, 90624 for 9.6.24.
    public let number: Int

    public init(number: Int) { self.number = number }

    /// Parses the first version in text like `pg_dump (PostgreSQL) 15.4 (Debian 15.4-1)`,
    /// `16beta2` or `9.6.24`; nil when there is none.
    public init?(parsing text: String) {
        guard let match = text.firstMatch(of: /(\d+)(?:\.(\d+))?(?:\.(\d+))?/) else { return nil }
        guard let first = Int(match.1) else { return nil }
        let second = match.2.flatMap { Int($0) } ?? 0
        let third = match.3.flatMap { Int($0) } ?? 0
        number = first >= 10 ? first * 10_000 + second : first * 10_000 + second * 100 + third
    }

    /// The major version: `15` from version 10 on, `9.6` before.
    public var major: String {
        number >= 100_000 ? String(number / 10_000) : "\(number / 10_000).\(number / 100 % 100)"
    }

    /// Major versions as one comparable number (1500, 906).
    var majorNumber: Int { number >= 100_000 ? number / 10_000 * 100 : number / 100 }

    public var description: String {
        number >= 100_000 ? "\(number / 10_000).\(number % 10_000)"
            : "\(number / 10_000).\(number / 100 % 100).\(number % 100)"
    }

    public static func < (lhs: PostgresVersion, rhs: PostgresVersion) -> Bool { lhs.number < rhs.number }
}

/// Finds and runs the PostgreSQL client programs (`pg_dump`, and `psql`/`pg_restore` for people),
/// without ever putting a password on a command line.
public struct PostgresTools: Sendable {
    /// `EngineOptions.postgresBinDirectory`, tried first.
    public var binDirectory: String?
    /// Folders of the `PATH` the caller decided on, tried next.
    public var searchPath: [String]
    /// Where Debian and Ubuntu install each major version, newest tried last.
    public var versionedRoot: String

    public init(binDirectory: String?, searchPath: [String] = PostgresTools.processSearchPath(),
                versionedRoot: String = "/usr/lib/postgresql") {
        self.binDirectory = binDirectory
        self.searchPath = searchPath
        self.versionedRoot = versionedRoot
    }

    /// The folders of this process's `PATH` (the one place the engine looks at its environment,
    /// to find programs the way a shell would).
    public static func processSearchPath() -> [String] {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
            .split(separator: ":").map(String.init).filter { !$0.isEmpty }
    }

    /// The program called `name`: in `binDirectory` when given (and only there), else on the search
    /// path, else in the newest `/usr/lib/postgresql/<major>/bin`. Throws `EngineError.toolUnavailable`
    /// naming where it looked.
    public func locate(_ name: String) throws -> URL {
        let files = FileManager.default
        if let binDirectory {
            let candidate = URL(fileURLWithPath: binDirectory).appendingPathComponent(name)
            guard files.isExecutableFile(atPath: candidate.path) else {
                throw EngineError.toolUnavailable(tool: name, reason: "\(name) was not found in the PostgreSQL bin folder '\(binDirectory)' (--pg-bin)")
            }
            return candidate
        }
        for folder in searchPath {
            let candidate = URL(fileURLWithPath: folder).appendingPathComponent(name)
            if files.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        let versions = ((try? files.contentsOfDirectory(atPath: versionedRoot)) ?? [])
            .compactMap { entry in PostgresVersion(parsing: entry).map { (entry, $0) } }
            .sorted { $0.1 > $1.1 }
        for (entry, _) in versions {
            let candidate = URL(fileURLWithPath: versionedRoot).appendingPathComponent(entry)
                .appendingPathComponent("bin").appendingPathComponent(name)
            if files.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw EngineError.toolUnavailable(tool: name, reason:
            "\(name) was not found on PATH or in \(versionedRoot)/*/bin; install the PostgreSQL client "
                + "(e.g. apt-get install postgresql-client) or set the PostgreSQL bin folder")
    }

    /// Skips Debian's `pg_wrapper`: when `program` (found on the search path) is that Perl script,
    /// which picks a PostgreSQL version and then runs it, the binary of the server's own major
    /// version under `versionedRoot` is used directly, when installed. The wrapper costs tens of
    /// milliseconds per call, paid twice per snapshot (version check and dump).
    public func bypassingWrapper(_ program: URL, serverMajor: String) -> URL {
        guard binDirectory == nil, program.resolvingSymlinksInPath().lastPathComponent == "pg_wrapper" else {
            return program
        }
        let direct = URL(fileURLWithPath: versionedRoot).appendingPathComponent(serverMajor)
            .appendingPathComponent("bin").appendingPathComponent(program.lastPathComponent)
        return FileManager.default.isExecutableFile(atPath: direct.path) ? direct : program
    }

    /// The version a program reports with `--version`. The program gets only the harmless variables
    /// a client may inherit (`PostgresClientEnvironment.inheritedNames`): never `DATABASE_URL` or
    /// `PGPASSWORD`, which would put the password into its environment for nothing.
    public func version(of program: URL) throws -> PostgresVersion {
        // Asked once per program file per process: a fleet of PostgreSQL targets ran
        // `pg_dump --version` once per target (about 11 ms each, on the critical path before the
        // dump). Keyed by the file's identity too, so a client upgraded mid-fleet is asked again.
        let identity = Self.fileIdentity(program.path)
        if let identity, let known = ToolVersionCache.shared.version(of: identity) { return known }
        let version = try askVersion(of: program)
        if let identity { ToolVersionCache.shared.remember(version, of: identity) }
        return version
    }

    /// Path, device, inode, size and modification time of a file; nil when it cannot be read.
    private static func fileIdentity(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(path)\u{0}\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    /// `program --version`, asked now (no cache).
    func askVersion(of program: URL) throws -> PostgresVersion {
        let environment = ProcessInfo.processInfo.environment
            .filter { PostgresClientEnvironment.inheritedNames.contains($0.key) }
        let child = try ChildProcess.start(program.path, arguments: ["--version"], environment: environment,
                                           captureOutput: true)
        var data = Data()
        if let output = child.output {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                data.append(contentsOf: buffer[0..<count])
            }
            Foundation.close(output)
        }
        let termination = child.wait()
        let text = String(decoding: data, as: UTF8.self)
        guard termination == .exited(0), let version = PostgresVersion(parsing: text) else {
            throw EngineError.toolUnavailable(tool: program.lastPathComponent, reason: "cannot tell the version of \(program.path) (it printed '\(text.trimmingCharacters(in: .whitespacesAndNewlines))')")
        }
        return version
    }

    /// Refuses a `pg_dump` whose major version is older than the server's: it cannot dump it
    /// (SPEC: refused up front, exit 5, naming the version needed).
    public static func checkDump(version dump: PostgresVersion, program: String, server: PostgresVersion) throws {
        guard dump.majorNumber >= server.majorNumber else {
            throw EngineError.snapshotFailed(
                "\(program) is version \(dump) but the server is \(server): pg_dump must be at least the "
                    + "server's major version. Install the PostgreSQL \(server.major) client (or newer) "
                    + "and point the PostgreSQL bin folder at it; no snapshot was taken and nothing was changed")
        }
    }
}

/// How a client program reaches the same database as the engine's connection: libpq environment
/// variables, and the password in a passfile that has no name — never in `argv` or the environment.
///
/// Why nameless: a named passfile, however short-lived, is a plaintext password on disk that a
/// `kill -9` (or a crash, or a full disk at the wrong time) leaves behind. The passfile is an
/// unlinked 0600 file (`O_TMPFILE`, or created and unlinked at once where the file system cannot),
/// open in this process; the child gets it as its descriptor 3 and libpq reads it through
/// `PGPASSFILE=/dev/fd/3`. When the last descriptor closes — at the latest when both processes
/// die — the kernel frees it, so nothing survives any kill.
final class PostgresClientEnvironment {
    /// Everything the child gets: a few harmless variables of the parent (`inheritedNames`), the
    /// parent's libpq connection variables (`parameterVariables`, which its own connection read
    /// too) with the URL's parameters over them, and the live connection's host, port, user and
    /// database. Nothing else is passed on, so a `DATABASE_URL` or `PGPASSWORD` never reaches it.
    let variables: [String: String]
    /// The nameless passfile's descriptor in this process, to hand to the child as its descriptor 3
    /// and to close after it ends (`cleanUp`).
    private(set) var passfileDescriptor: Int32?
    /// What the child's `PGPASSFILE` says when there is a password.
    static let childPassfile = "/dev/fd/3"
    /// The password, so messages from the child can be scrubbed of it.
    let password: String?

    /// What a child may inherit from the parent: locale, time zone, temporary folder, home (for
    /// `~/.postgresql` client certificates) and Kerberos/TLS settings.
    static let inheritedNames: Set<String> = [
        "PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ", "TMPDIR",
        "KRB5CCNAME", "KRB5_CONFIG", "KRB5_KTNAME", "SSL_CERT_FILE", "SSL_CERT_DIR", "LD_LIBRARY_PATH",
    ]

    /// URL query parameters that libpq also reads from the environment, and the variable for each.
    static let parameterVariables: [String: String] = [
        "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
        "sslcrl": "PGSSLCRL", "sslcrldir": "PGSSLCRLDIR", "sslsni": "PGSSLSNI", "sslcompression": "PGSSLCOMPRESSION",
        "ssl_min_protocol_version": "PGSSLMINPROTOCOLVERSION", "ssl_max_protocol_version": "PGSSLMAXPROTOCOLVERSION",
        "requirepeer": "PGREQUIREPEER", "gssencmode": "PGGSSENCMODE", "krbsrvname": "PGKRBSRVNAME",
        "gsslib": "PGGSSLIB", "channel_binding": "PGCHANNELBINDING", "connect_timeout": "PGCONNECT_TIMEOUT",
        "options": "PGOPTIONS", "target_session_attrs": "PGTARGETSESSIONATTRS", "hostaddr": "PGHOSTADDR",
        "client_encoding": "PGCLIENTENCODING", "load_balance_hosts": "PGLOADBALANCEHOSTS",
        "require_auth": "PGREQUIREAUTH", "service": "PGSERVICE",
    ]

    /// Builds the environment from the live connection's host, port, user and database, the URL's
    /// other parameters, and a passfile in `scratch` holding the password (when there is one).
    init(host: String?, port: String?, user: String?, database: String?, password: String?,
         parameters: [(String, String)], applicationName: String, scratch: URL,
         inherited: [String: String] = ProcessInfo.processInfo.environment) throws {
        var variables = inherited.filter { Self.inheritedNames.contains($0.key) }
        variables["PGHOST"] = host
        variables["PGPORT"] = port
        variables["PGUSER"] = user
        variables["PGDATABASE"] = database
        variables["PGAPPNAME"] = applicationName
        // The connection's libpq read these from the environment where the URL is silent (a
        // `PGSSLMODE=require`, say); the child gets the same, so `pg_dump` connects as the engine did.
        for variable in Self.parameterVariables.values { variables[variable] = inherited[variable] }
        for (name, value) in parameters {
            if let variable = Self.parameterVariables[name] { variables[variable] = value }
        }
        variables["PGCONNECT_TIMEOUT"] = variables["PGCONNECT_TIMEOUT"] ?? "10"
        self.password = password
        if let password, !password.isEmpty {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let escaped = password.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ":", with: "\\:")
            let descriptor = try Self.namelessFile(in: scratch)
            let line = Array("*:*:*:*:\(escaped)\n".utf8)
            let written = line.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            guard written == line.count else {
                let reason = written < 0 ? String(cString: strerror(errno)) : "short write"
                Foundation.close(descriptor)
                throw EngineError.failed("cannot write the temporary passfile in \(scratch.path): \(reason)")
            }
            variables["PGPASSFILE"] = Self.childPassfile
            passfileDescriptor = descriptor
        } else {
            variables["PGPASSFILE"] = "/dev/null"
            passfileDescriptor = nil
        }
        self.variables = variables
    }

    /// Closes this process's descriptor of the passfile (the kernel frees it once the child's is
    /// closed too).
    /// Safe to call more than once.
    func cleanUp() {
        if let passfileDescriptor { Foundation.close(passfileDescriptor) }
        passfileDescriptor = nil
    }

    deinit { cleanUp() }

    /// A 0600 file with no name in `folder`, open for writing, close-on-exec, numbered 10 or above
    /// (so it is never the child's 3 already). `O_TMPFILE` where the file system has it; else a
    /// uniquely named file unlinked the moment it exists.
    private static func namelessFile(in folder: URL) throws -> Int32 {
        #if os(Linux)
        let temporaryFile: Int32 = 0o20000000 | O_DIRECTORY  // O_TMPFILE, not exported to Swift
        var descriptor = open(folder.path, O_RDWR | O_CLOEXEC | temporaryFile, 0o600)
        #else
        var descriptor: Int32 = -1
        #endif
        if descriptor < 0 {
            let name = folder.appendingPathComponent(".lifeboat-pass-\(UUID().uuidString)").path
            descriptor = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if descriptor >= 0 { unlink(name) }
        }
        guard descriptor >= 0 else {
            throw EngineError.failed("cannot create a temporary passfile in \(folder.path): \(String(cString: strerror(errno)))")
        }
        // The mode passed to open goes through the umask; libpq ignores a passfile others can read.
        _ = fchmod(descriptor, 0o600)
        let high = fcntl(descriptor, F_DUPFD_CLOEXEC, 10)
        Foundation.close(descriptor)
        guard high >= 0 else {
            throw EngineError.failed("cannot create a temporary passfile in \(folder.path): \(String(cString: strerror(errno)))")
        }
        return high
    }

    /// `text` with the password replaced by `***`.
    func scrub(_ text: String) -> String {
        guard let password, !password.isEmpty else { return text }
        return text.replacingOccurrences(of: password, with: "***")
    }
}

/// The `--version` of each client program asked in this process, by file identity: a handful of
/// entries at most (one per PostgreSQL client installed).
final class ToolVersionCache: @unchecked Sendable {
    static let shared = ToolVersionCache()
    private let lock = NSLock()
    private var versions: [String: PostgresVersion] = [:]

    func version(of identity: String) -> PostgresVersion? {
        lock.lock(); defer { lock.unlock() }
        return versions[identity]
    }

    func remember(_ version: PostgresVersion, of identity: String) {
        lock.lock(); defer { lock.unlock() }
        versions[identity] = version
    }
}
