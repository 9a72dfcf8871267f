#if os(Linux)
import Glibc
import Synchronization

/// `HMAC_Init_ex` as libpq calls it, with OpenSSL 3's SHA-256 fetched once instead of 8192 times
/// per connection, and the password's HMAC key derived once instead of 4096 times.
///
/// Why: libpq 15 computes SCRAM-SHA-256's salted password (4096 HMAC rounds) by calling
/// `HMAC_Init_ex(ctx, password, length, EVP_sha256(), NULL)` each round. `EVP_sha256()` is
/// OpenSSL 3's legacy digest object, which names an algorithm but not its implementation, so each
/// call looks the implementation up again in the provider store (two lookups behind read-write
/// locks, for the inner and outer digest), and each call derives the inner and outer key blocks
/// from the password again. That was the SCRAM exchange's cost on the client, on the critical
/// path of every PostgreSQL command: 4096 rounds in C on this machine took 4.8–7.4 ms as libpq
/// calls them, 2.0–3.0 ms with the digest fetched once, 0.8–1.4 ms with the key also kept.
///
/// How: the executable exports `HMAC_Init_ex` (Package.swift), and the loader binds the libraries
/// a `dlopen` brings in to the executable's definitions first, so libpq's calls land here. This
/// function calls OpenSSL's own `HMAC_Init_ex` with
/// - the same algorithm from the same (default) provider, fetched once with
///   `EVP_MD_fetch(NULL, "SHA256", NULL)`, in place of `EVP_sha256()`;
/// - no key (OpenSSL's documented "reuse the previous key") when the context holds this very key
///   already: the shim keyed it last with the same bytes (compared, not assumed) and SHA-256, and
///   it has not been reset or freed since (a reset or new context has no digest). Only the last
///   key is remembered, in a buffer wiped when it is replaced;
/// every other call (another digest, an engine, a long key) passes through unchanged. The result
/// is the same HMAC: `SCRAMDigestShimTests` checks RFC 4231's vectors and key sequences (contexts
/// interleaved, rekeyed, reset, freed) against swift-crypto, that a SCRAM login goes through the
/// shim, and that the shipped binary's libpq binds to it. Not on macOS, where libraries bind to
/// their own dependencies (two-level namespace) and libpq is linked.
@_cdecl("HMAC_Init_ex")
public func lifeboat_HMAC_Init_ex(
    _ context: OpaquePointer?, _ key: UnsafeRawPointer?, _ length: Int32, _ digest: OpaquePointer?, _ engine: OpaquePointer?
) -> Int32 {
    guard let openSSL = SCRAMDigestShim.openSSL else { return 0 }
    let chosen = digest != nil && digest == openSSL.legacySHA256 ? openSSL.fetchedSHA256 : digest
    // No key: the caller reuses the context's own key; nothing this shim remembers changes.
    guard let key else { return openSSL.initialise(context, nil, length, chosen, engine) }
    let lastKey = SCRAMDigestShim.lastKey
    let reusable = chosen != nil && chosen == openSSL.fetchedSHA256 && engine == nil
    if reusable, lastKey.holds(context: context, key: key, length: length),
       openSSL.digestOf(context) == openSSL.fetchedSHA256 {
        SCRAMDigestShim.reuses.add(1, ordering: .relaxed)
        return openSSL.initialise(context, nil, 0, nil, nil)
    }
    let result = openSSL.initialise(context, key, length, chosen, engine)
    // Remembered only once OpenSSL has keyed the context with it; any other keying (another
    // digest, a long key, a failure) leaves nothing remembered that could be mistaken for it.
    if reusable, result == 1 {
        lastKey.remember(context: context, key: key, length: length)
    } else {
        lastKey.forget()
    }
    return result
}

/// The `HMAC_Init_ex` libpq was linked with, and the two SHA-256 digest objects, found once.
enum SCRAMDigestShim {
    typealias Initialise = @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int32, OpaquePointer?, OpaquePointer?) -> Int32

    struct OpenSSL: @unchecked Sendable {
        let initialise: Initialise
        let legacySHA256: OpaquePointer?
        let fetchedSHA256: OpaquePointer?
        let digestOf: @convention(c) (OpaquePointer?) -> OpaquePointer?
    }

    /// The libcrypto functions that libpq itself binds to (found from libpq's handle, which searches
    /// libpq's own dependencies), so that the shim forwards to the very library libpq was linked
    /// with even if another libcrypto is loaded too (a `LIFEBOAT_LIBPQ` built on OpenSSL 1.1 beside
    /// libcurl's OpenSSL 3). Only OpenSSL 3 gets the fetched digest and the key reuse; any other
    /// gets its arguments unchanged. Nil when no libpq is loaded: then the caller is another library
    /// (libssl behind libcurl), forwarded to the process's libcrypto 3 unchanged.
    static let openSSL: OpenSSL? = find()

    private static func find() -> OpenSSL? {
        typealias Digest = @convention(c) () -> OpaquePointer?
        typealias Fetch = @convention(c) (OpaquePointer?, UnsafePointer<CChar>, UnsafePointer<CChar>?) -> OpaquePointer?
        typealias DigestOf = @convention(c) (OpaquePointer?) -> OpaquePointer?
        let libpq = dlopen(LibPQ.libraryName, RTLD_LAZY | RTLD_NOLOAD)
        guard let library = libpq ?? dlopen("libcrypto.so.3", RTLD_LAZY | RTLD_NOLOAD),
              let initialise = dlsym(library, "HMAC_Init_ex") else { return nil }
        let unchanged = OpenSSL(initialise: unsafeBitCast(initialise, to: Initialise.self), legacySHA256: nil,
                                fetchedSHA256: nil, digestOf: { _ in nil })
        guard libpq != nil, let sha256 = dlsym(library, "EVP_sha256"), let fetch = dlsym(library, "EVP_MD_fetch"),
              let digestOf = dlsym(library, "HMAC_CTX_get_md") else { return unchanged }
        // Never freed: it lives as long as the process, like the legacy object it replaces.
        guard let fetched = unsafeBitCast(fetch, to: Fetch.self)(nil, "SHA256", nil) else { return unchanged }
        return OpenSSL(initialise: unsafeBitCast(initialise, to: Initialise.self),
                       legacySHA256: unsafeBitCast(sha256, to: Digest.self)(), fetchedSHA256: fetched,
                       digestOf: unsafeBitCast(digestOf, to: DigestOf.self))
    }

    static let lastKey = LastKey()

    /// The key the shim last had OpenSSL set, and the context it keyed (at most 128 bytes: SCRAM's
    /// keys are a password and 32-byte digests). Wiped when replaced or forgotten.
    final class LastKey: @unchecked Sendable {
        static let capacity = 128
        private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private let bytes = UnsafeMutableRawPointer.allocate(byteCount: LastKey.capacity, alignment: 8)
        private var context: OpaquePointer?
        private var length: Int32 = -1

        init() {
            pthread_mutex_init(lock, nil)
            memset(bytes, 0, Self.capacity)
        }

        /// Whether the shim last keyed `context` with these very bytes.
        func holds(context: OpaquePointer?, key: UnsafeRawPointer, length: Int32) -> Bool {
            guard let context else { return false }
            pthread_mutex_lock(lock)
            defer { pthread_mutex_unlock(lock) }
            return self.context == context && self.length == length && memcmp(bytes, key, Int(length)) == 0
        }

        /// Records that `context` now holds `key` (forgets instead when the key is too long to keep).
        func remember(context: OpaquePointer?, key: UnsafeRawPointer, length: Int32) {
            pthread_mutex_lock(lock)
            defer { pthread_mutex_unlock(lock) }
            memset(bytes, 0, Self.capacity)
            self.context = nil
            self.length = -1
            guard let context, length > 0, Int(length) <= Self.capacity else { return }
            memcpy(bytes, key, Int(length))
            self.context = context
            self.length = length
        }

        func forget() {
            pthread_mutex_lock(lock)
            defer { pthread_mutex_unlock(lock) }
            memset(bytes, 0, Self.capacity)
            context = nil
            length = -1
        }
    }

    /// Calls that reused the context's key, for the test that a SCRAM login goes through the shim.
    static let reuses = Atomic<Int>(0)
}

#endif
