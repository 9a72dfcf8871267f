#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LifeboatCLibPQ

/// libpq, loaded the first time a PostgreSQL connection is opened instead of at every start.
///
/// Linking libpq made every call of the binary (`--version`, `status` on SQLite) load it and about
/// twenty libraries behind it and run their initialisers: about 5 ms of a 7 ms `--version`. Only a
/// `postgres://` URL needs it, so the binary names no libpq at all and `PostgresConnection` calls
/// through this table, whose types come from libpq's own header.
enum LibPQ {
    /// The library dlopen looks for: the runtime package's soname (Debian's `libpq5`), or the path
    /// in `LIFEBOAT_LIBPQ` (a libpq outside the loader's search path, e.g. Homebrew's keg-only one).
    static var libraryName: String {
        if let path = getenv("LIFEBOAT_LIBPQ"), path.pointee != 0 { return String(cString: path) }
        #if canImport(Darwin)
        return "libpq.5.dylib"
        #else
        return "libpq.so.5"
        #endif
    }

    /// The table, or why libpq could not be loaded; loaded once, thread-safely (a global `let`).
    static func functions() throws(PostgresError) -> LifeboatLibPQ {
        try loaded.get()
    }

    private static let loaded: Result<LifeboatLibPQ, PostgresError> = load(libraryName)

    private static func load(_ name: String) -> Result<LifeboatLibPQ, PostgresError> {
        // Lazy: the libraries behind libpq that are not built with BIND_NOW (Kerberos) resolve
        // only the symbols they use; about 1 ms less than RTLD_NOW.
        #if canImport(Darwin)
        // macOS links libpq (Package.swift): unless LIFEBOAT_LIBPQ names one, look in the process.
        let library = getenv("LIFEBOAT_LIBPQ") == nil ? dlopen(nil, RTLD_LAZY) : dlopen(name, RTLD_LAZY | RTLD_LOCAL)
        #else
        let library = dlopen(name, RTLD_LAZY | RTLD_LOCAL)
        #endif
        guard let library else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            return .failure(.connection("cannot load libpq (\(name)): \(reason); install libpq "
                + "(Debian/Ubuntu: apt-get install libpq5) or set LIFEBOAT_LIBPQ to its path"))
        }
        let table = UnsafeMutablePointer<LifeboatLibPQ>.allocate(capacity: 1)
        defer { table.deallocate() }
        if let missing = lifeboat_libpq_load(library, table) {
            dlclose(library)
            return .failure(.connection("cannot use libpq (\(name)): it has no function \(String(cString: missing))"))
        }
        // The library stays loaded for the life of the process, as a linked one would.
        return .success(table.pointee)
    }
}
