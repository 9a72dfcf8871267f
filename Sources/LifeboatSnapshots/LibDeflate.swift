#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// libdeflate, loaded with dlopen the first time a snapshot is compressed, when the machine has it
/// (Debian/Ubuntu: `libdeflate0`); without it `GzipWriter` compresses with zlib as before.
///
/// Why: compression is most of a snapshot's CPU, and on a small machine a snapshot is CPU-bound.
/// `GzipWriter` compresses whole chunks (1 MiB) into complete gzip members, which is exactly
/// libdeflate's one-call, whole-buffer interface; at the same level libdeflate does it in 40 % of
/// zlib's CPU (a 256 MB SQLite database, level 6: 1.2 s against 3.1 s per core) for output within
/// a few per cent of zlib's size, and its members are plain gzip for `gunzip` and `pigz`.
///
/// Loaded, not linked, so a machine or a static build without it still works (zlib), and no
/// development package is needed to build. `LIFEBOAT_LIBDEFLATE` names the library to load
/// instead, or `none` for zlib only.
struct LibDeflate: @unchecked Sendable {
    let allocCompressor: @convention(c) (Int32) -> OpaquePointer?
    let gzipCompress: @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int, UnsafeMutableRawPointer?, Int) -> Int
    let gzipCompressBound: @convention(c) (OpaquePointer?, Int) -> Int
    let freeCompressor: @convention(c) (OpaquePointer?) -> Void

    /// The library, or nil when it is not on this machine (or `LIFEBOAT_LIBDEFLATE=none`).
    static let shared: LibDeflate? = load()

    private static func load() -> LibDeflate? {
        var names = ["libdeflate.so.0", "libdeflate.so", "libdeflate.0.dylib", "libdeflate.dylib"]
        if let path = getenv("LIFEBOAT_LIBDEFLATE"), path.pointee != 0 {
            let name = String(cString: path)
            if name == "none" { return nil }
            names = [name]
        }
        for name in names {
            guard let library = dlopen(name, RTLD_LAZY | RTLD_LOCAL) else { continue }
            if let table = LibDeflate(library) { return table }  // loaded for the life of the process
            dlclose(library)
        }
        return nil
    }

    private init?(_ library: UnsafeMutableRawPointer) {
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(library, name).map { unsafeBitCast($0, to: type) }
        }
        guard let alloc = symbol("libdeflate_alloc_compressor", as: (@convention(c) (Int32) -> OpaquePointer?).self),
              let compress = symbol("libdeflate_gzip_compress",
                                    as: (@convention(c) (OpaquePointer?, UnsafeRawPointer?, Int, UnsafeMutableRawPointer?, Int) -> Int).self),
              let bound = symbol("libdeflate_gzip_compress_bound", as: (@convention(c) (OpaquePointer?, Int) -> Int).self),
              let free = symbol("libdeflate_free_compressor", as: (@convention(c) (OpaquePointer?) -> Void).self)
        else { return nil }
        allocCompressor = alloc
        gzipCompress = compress
        gzipCompressBound = bound
        freeCompressor = free
    }
}
