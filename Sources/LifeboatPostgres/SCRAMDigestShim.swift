#if os(Linux)
import Glibc
import Synchronization

/// `HMAC_Init_ex` as libpq calls it, with OpenSSL 3's SHA-256 fetched once instead of 8192 times
/// per connection.
///
/// Why: libpq 15 computes SCRAM-SHA-256's salted password (4096 HMAC rounds) by calling
/// `HMAC_Init_ex(ctx, password, length, EVP_sha256(), NULL)` each round. `EVP_sha256()` is
/// OpenSSL 3's legacy digest object, which names an algorithm but not its implementation, so each
/// call looks the implementation up again in the provider store (two lookups behind read-write
/// locks, for the inner and outer digest). Those lookups were more than half of the SCRAM
/// exchange: 6.4–6.8 ms of HMAC work per login against 2.9–3.0 ms with a digest fetched once
/// (C, 4096 rounds, this machine), on the critical path of every PostgreSQL command.
///
/// How: the executable exports its symbols (SwiftPM links it with `--export-dynamic`), and the
/// loader binds the libraries a `dlopen` brings in to the executable's definitions first, so
/// libpq's calls land here. This function hands OpenSSL's own `HMAC_Init_ex` the same algorithm
/// from the same (default) provider, fetched once with `EVP_MD_fetch(NULL, "SHA256", NULL)`, in
/// place of `EVP_sha256()`; every other argument, and every other digest, passes through
/// unchanged. The result is the same HMAC: `SCRAMDigestShimTests` checks RFC 4231's vectors
/// through it and that a SCRAM login goes through it. Not on macOS, where libraries bind to
/// their own dependencies (two-level namespace) and libpq is linked.
@_cdecl("HMAC_Init_ex")
public func lifeboat_HMAC_Init_ex(
    _ context: OpaquePointer?, _ key: UnsafeRawPointer?, _ length: Int32, _ digest: OpaquePointer?, _ engine: OpaquePointer?
) -> Int32 {
    guard let openSSL = SCRAMDigestShim.openSSL else { return 0 }
    SCRAMDigestShim.recordCall()
    let chosen = digest != nil && digest == openSSL.legacySHA256 ? openSSL.fetchedSHA256 : digest
    return openSSL.initialise(context, key, length, chosen, engine)
}

/// The real `HMAC_Init_ex` and the two SHA-256 digest objects, found once in the loaded libcrypto.
enum SCRAMDigestShim {
    typealias Initialise = @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int32, OpaquePointer?, OpaquePointer?) -> Int32

    struct OpenSSL: @unchecked Sendable {
        let initialise: Initialise
        let legacySHA256: OpaquePointer?
        let fetchedSHA256: OpaquePointer?
    }

    /// OpenSSL 3's functions, or nil when no libcrypto 3 is loaded: then nothing that imports
    /// `HMAC_Init_ex` is loaded either, except a libcrypto 1.1 (`LIFEBOAT_LIBPQ` naming an old
    /// libpq), whose own function is used with its arguments unchanged.
    static let openSSL: OpenSSL? = find()

    private static func find() -> OpenSSL? {
        typealias Digest = @convention(c) () -> OpaquePointer?
        typealias Fetch = @convention(c) (OpaquePointer?, UnsafePointer<CChar>, UnsafePointer<CChar>?) -> OpaquePointer?
        if let crypto = dlopen("libcrypto.so.3", RTLD_LAZY | RTLD_NOLOAD),
           let initialise = dlsym(crypto, "HMAC_Init_ex"),
           let sha256 = dlsym(crypto, "EVP_sha256"),
           let fetch = dlsym(crypto, "EVP_MD_fetch") {
            // Never freed: it lives as long as the process, like the legacy object it replaces.
            let fetched = unsafeBitCast(fetch, to: Fetch.self)(nil, "SHA256", nil)
            let legacy = unsafeBitCast(sha256, to: Digest.self)()
            return OpenSSL(initialise: unsafeBitCast(initialise, to: Initialise.self),
                           legacySHA256: fetched == nil ? nil : legacy, fetchedSHA256: fetched)
        }
        if let crypto = dlopen("libcrypto.so.1.1", RTLD_LAZY | RTLD_NOLOAD),
           let initialise = dlsym(crypto, "HMAC_Init_ex") {
            return OpenSSL(initialise: unsafeBitCast(initialise, to: Initialise.self), legacySHA256: nil, fetchedSHA256: nil)
        }
        return nil
    }

    /// Calls so far, for the test that a SCRAM login goes through the shim.
    static let calls = Atomic<Int>(0)

    static func recordCall() {
        calls.add(1, ordering: .relaxed)
    }
}

#endif
