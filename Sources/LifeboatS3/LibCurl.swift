#if !canImport(Darwin)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// libcurl, loaded with dlopen the first time an S3 request is sent (Linux only; macOS keeps
/// URLSession, see `S3Client`).
///
/// Foundation's URLSession lives in FoundationNetworking on Linux, which links libcurl and about
/// thirty libraries behind it into every process: +5 ms on every start of the binary, even for
/// `--version`, and `swift build --static-swift-stdlib` fails without libcurl's development
/// package (`cannot find -lcurl`). Only an `s3://` store needs HTTP, so the binary names no
/// libcurl at all and `CurlTransport` calls through this table — the same library URLSession
/// uses underneath, from the runtime package (`libcurl4`).
///
/// There is no curl.h to build against, so the C types are declared here. `curl_easy_setopt` and
/// `curl_easy_getinfo` are variadic in C; they are bound once per argument kind (long, pointer,
/// curl_off_t, function pointer), each as a non-variadic function. That is sound on x86-64 and
/// AArch64 Linux, where a variadic argument is passed exactly like a named one of its type (in
/// the next integer register; `%al` on x86-64 only counts vector registers, which none of these
/// use). It is NOT on Apple's arm64 ABI (variadic arguments go on the stack) — one reason Darwin
/// keeps URLSession.
struct LibCurl: @unchecked Sendable {
    typealias Handle = OpaquePointer
    /// `size_t (*)(char *buffer, size_t size, size_t nitems, void *userdata)`: read, write and header callbacks.
    typealias DataCallback = @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int
    /// `int (*)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)`.
    typealias ProgressCallback = @convention(c) (UnsafeMutableRawPointer?, Int64, Int64, Int64, Int64) -> Int32

    let globalInit: @convention(c) (Int) -> Int32
    let easyInit: @convention(c) () -> Handle?
    let easyReset: @convention(c) (Handle?) -> Void
    let easyCleanup: @convention(c) (Handle?) -> Void
    let easyPerform: @convention(c) (Handle?) -> Int32
    let easyStrerror: @convention(c) (Int32) -> UnsafePointer<CChar>?
    let setLong: @convention(c) (Handle?, Int32, Int) -> Int32
    let setPointer: @convention(c) (Handle?, Int32, UnsafeRawPointer?) -> Int32
    let setOffset: @convention(c) (Handle?, Int32, Int64) -> Int32
    let setDataCallback: @convention(c) (Handle?, Int32, DataCallback?) -> Int32
    let setProgressCallback: @convention(c) (Handle?, Int32, ProgressCallback?) -> Int32
    let getLong: @convention(c) (Handle?, Int32, UnsafeMutablePointer<Int>?) -> Int32
    let slistAppend: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> OpaquePointer?
    let slistFreeAll: @convention(c) (OpaquePointer?) -> Void

    // MARK: - Constants (include/curl/curl.h: CURLOPTTYPE_LONG + n, OBJECTPOINT 10000 + n,
    // FUNCTIONPOINT 20000 + n, OFF_T 30000 + n; CURLINFO_LONG 0x200000 + n)

    static let globalAll = 3
    static let optWriteData: Int32 = 10_001
    static let optURL: Int32 = 10_002
    static let optReadData: Int32 = 10_009
    static let optWriteFunction: Int32 = 20_011
    static let optReadFunction: Int32 = 20_012
    static let optLowSpeedLimit: Int32 = 19
    static let optLowSpeedTime: Int32 = 20
    static let optHTTPHeader: Int32 = 10_023
    static let optHeaderData: Int32 = 10_029
    static let optCustomRequest: Int32 = 10_036
    static let optNoProgress: Int32 = 43
    static let optNoBody: Int32 = 44
    static let optUpload: Int32 = 46
    static let optCAInfo: Int32 = 10_065
    static let optConnectTimeout: Int32 = 78
    static let optHeaderFunction: Int32 = 20_079
    static let optNoSignal: Int32 = 99
    static let optInFileSizeLarge: Int32 = 30_115
    static let optXferInfoData: Int32 = 10_057
    static let optXferInfoFunction: Int32 = 20_219
    static let infoResponseCode: Int32 = 0x200002
    /// A read callback's answer that aborts the transfer.
    static let readAbort = 0x1000_0000

    // CURLcode values the transport tells apart.
    static let codeCouldNotResolveProxy: Int32 = 5
    static let codeCouldNotResolveHost: Int32 = 6
    static let codeCouldNotConnect: Int32 = 7
    static let codePartialFile: Int32 = 18
    static let codeWriteError: Int32 = 23
    static let codeReadError: Int32 = 26
    static let codeTimedOut: Int32 = 28
    static let codeAbortedByCallback: Int32 = 42
    static let codeGotNothing: Int32 = 52
    static let codeSendError: Int32 = 55
    static let codeReceiveError: Int32 = 56

    // MARK: - Loading

    /// Where dlopen looks, in order: `LIFEBOAT_LIBCURL` when set (only that), else the runtime
    /// package's sonames (OpenSSL, then GnuTLS flavour), else the development symlink.
    static var candidates: [String] {
        if let path = getenv("LIFEBOAT_LIBCURL"), path.pointee != 0 { return [String(cString: path)] }
        return ["libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so"]
    }

    /// The table, or why libcurl could not be loaded; loaded (and `curl_global_init` run) once,
    /// thread-safely (a global `let`), on the first S3 request.
    static func functions() throws(S3Error) -> LibCurl {
        try loaded.get()
    }

    private static let loaded: Result<LibCurl, S3Error> = load(candidates)

    private static func load(_ names: [String]) -> Result<LibCurl, S3Error> {
        var reasons: [String] = []
        for name in names {
            guard let library = dlopen(name, RTLD_LAZY | RTLD_LOCAL) else {
                reasons.append(dlerror().map { String(cString: $0) } ?? "\(name): not found")
                continue
            }
            do {
                let table = try LibCurl(library)
                guard table.globalInit(globalAll) == 0 else {
                    return .failure(.libcurlUnavailable(reason: "\(name): curl_global_init failed"))
                }
                // The library stays loaded for the life of the process, as a linked one would.
                return .success(table)
            } catch {
                dlclose(library)
                reasons.append("\(name): \(error.reason)")
            }
        }
        return .failure(.libcurlUnavailable(reason: reasons.joined(separator: "; ")))
    }

    private struct MissingSymbol: Error { var reason: String }

    private init(_ library: UnsafeMutableRawPointer) throws(MissingSymbol) {
        func symbol<T>(_ name: String, as type: T.Type) throws(MissingSymbol) -> T {
            guard let address = dlsym(library, name) else { throw MissingSymbol(reason: "it has no function \(name)") }
            return unsafeBitCast(address, to: type)
        }
        globalInit = try symbol("curl_global_init", as: (@convention(c) (Int) -> Int32).self)
        easyInit = try symbol("curl_easy_init", as: (@convention(c) () -> Handle?).self)
        easyReset = try symbol("curl_easy_reset", as: (@convention(c) (Handle?) -> Void).self)
        easyCleanup = try symbol("curl_easy_cleanup", as: (@convention(c) (Handle?) -> Void).self)
        easyPerform = try symbol("curl_easy_perform", as: (@convention(c) (Handle?) -> Int32).self)
        easyStrerror = try symbol("curl_easy_strerror", as: (@convention(c) (Int32) -> UnsafePointer<CChar>?).self)
        setLong = try symbol("curl_easy_setopt", as: (@convention(c) (Handle?, Int32, Int) -> Int32).self)
        setPointer = try symbol("curl_easy_setopt", as: (@convention(c) (Handle?, Int32, UnsafeRawPointer?) -> Int32).self)
        setOffset = try symbol("curl_easy_setopt", as: (@convention(c) (Handle?, Int32, Int64) -> Int32).self)
        setDataCallback = try symbol("curl_easy_setopt", as: (@convention(c) (Handle?, Int32, DataCallback?) -> Int32).self)
        setProgressCallback = try symbol("curl_easy_setopt", as: (@convention(c) (Handle?, Int32, ProgressCallback?) -> Int32).self)
        getLong = try symbol("curl_easy_getinfo", as: (@convention(c) (Handle?, Int32, UnsafeMutablePointer<Int>?) -> Int32).self)
        slistAppend = try symbol("curl_slist_append", as: (@convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> OpaquePointer?).self)
        slistFreeAll = try symbol("curl_slist_free_all", as: (@convention(c) (OpaquePointer?) -> Void).self)
    }

    /// `curl_easy_strerror`'s text for a code.
    func message(_ code: Int32) -> String {
        easyStrerror(code).map { String(cString: $0) } ?? "curl error \(code)"
    }
}
#endif
