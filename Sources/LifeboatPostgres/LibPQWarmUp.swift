import Foundation

/// Loads libpq, and readies the OpenSSL it authenticates with, on `StartupWorker`'s thread while
/// the main thread is still parsing the command line.
///
/// A PostgreSQL `status` spent about 5 ms loading libpq and the twenty libraries behind it, then
/// about 1.5 ms in OpenSSL 3's first use (reading `openssl.cnf`, fetching SHA-256, seeding the
/// random generator for the SCRAM nonce), one after the other on the main thread, before the
/// first byte went to the server. Swift's start-up and ArgumentParser take about as long and
/// need neither, so the two now overlap (README, "Start-up"). Nothing here changes what a
/// connection does: `LibPQ.functions()` is loaded once whichever thread asks first, and OpenSSL's
/// initialisation is the one libpq would trigger itself, less its exit handler (see below).
public enum LibPQWarmUp {
    /// Whether the command line or `DATABASE_URL` names a PostgreSQL URL: a guess that costs
    /// little when wrong (the warm-up's CPU on another core, and at most its end at exit).
    public static func isLikelyNeeded(arguments: [String]) -> Bool {
        arguments.contains { $0.contains("postgres://") || $0.contains("postgresql://") }
            || getenv("DATABASE_URL").map { String(cString: $0).hasPrefix("postgres") } == true
    }

    /// What the warm-up needs of the process's environment; call on the main thread before any
    /// other thread starts (`setenv` is not safe while another thread reads the environment).
    ///
    /// `GNUTLS_NO_IMPLICIT_INIT=1`, unless set: GnuTLS comes in behind libpq only through
    /// OpenLDAP, which initialises it explicitly when it needs TLS; libpq uses OpenSSL. Without it,
    /// GnuTLS's load-time initialisation (its PKCS#11 and random setup) was ~0.9 ms of the 5.4 ms
    /// `dlopen` of libpq (median of 40). Child processes never see it: `pg_dump` and `psql` get
    /// an environment built from a list of names (`PostgresClientEnvironment`).
    public static func prepareEnvironment() {
        setenv("GNUTLS_NO_IMPLICIT_INIT", "1", 0)
    }

    /// Loads libpq, and settles OpenSSL's one decision that must come first: no exit handler of
    /// its own (see `initialiseOpenSSL`). Run on a thread other than the main one.
    public static func load() {
        guard (try? LibPQ.functions()) != nil else { return }
        initialiseOpenSSL(loadingConfiguration: false)
    }

    /// OpenSSL's one-time work, done the way its first use by libpq would do it, and the digest
    /// `SCRAMDigestShim` hands libpq, fetched once. Run after `load`, on a thread of its own beside
    /// the connection: libpq needs OpenSSL only for the SCRAM exchange, a round trip and the
    /// server's start-up after the connection begins, and each part of OpenSSL's initialisation
    /// runs once whichever thread asks first (the other waits for it).
    public static func readyOpenSSL() {
        guard initialiseOpenSSL(loadingConfiguration: true), let crypto = libcrypto else { return }
        typealias RandomBytes = @convention(c) (UnsafeMutablePointer<UInt8>, Int32) -> Int32
        #if os(Linux)
        _ = SCRAMDigestShim.openSSL
        #endif
        guard let random = dlsym(crypto, "RAND_bytes") else { return }
        var bytes = [UInt8](repeating: 0, count: 16)
        _ = unsafeBitCast(random, to: RandomBytes.self)(&bytes, Int32(bytes.count))
    }

    /// libcrypto 3 when libpq brought it in; nil for a libpq built without OpenSSL (or with
    /// another TLS library): nothing to do then.
    private static var libcrypto: UnsafeMutableRawPointer? {
        #if os(Linux)
        dlopen("libcrypto.so.3", RTLD_LAZY | RTLD_NOLOAD)
        #else
        nil
        #endif
    }

    /// `OPENSSL_init_crypto` with OPENSSL_INIT_NO_ATEXIT, and OPENSSL_INIT_LOAD_CONFIG (libcrypto's
    /// default start) when asked. The first initialisation decides about the exit handler, and an
    /// OpenSSL exit handler would run before StartupWorker's, freeing OpenSSL while a warm-up
    /// thread may still be using it; so `load` makes that first call itself, before the connection
    /// can, with the cheap part alone. Memory is returned at exit anyway.
    @discardableResult
    private static func initialiseOpenSSL(loadingConfiguration: Bool) -> Bool {
        typealias InitCrypto = @convention(c) (UInt64, OpaquePointer?) -> Int32
        guard let crypto = libcrypto, let initCrypto = dlsym(crypto, "OPENSSL_init_crypto") else { return false }
        let loadConfig: UInt64 = 0x40, noAtExit: UInt64 = 0x0008_0000
        return unsafeBitCast(initCrypto, to: InitCrypto.self)(loadingConfiguration ? loadConfig | noAtExit : noAtExit, nil) == 1
    }
}
