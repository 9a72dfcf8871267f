#if os(Linux)
import Crypto
import Foundation
import LifeboatKit
@testable import LifeboatPostgres
import Testing

/// Issue 15 (start-up): libpq's SCRAM rounds go through `lifeboat_HMAC_Init_ex`, which hands
/// OpenSSL a SHA-256 fetched once. The HMAC must be exactly OpenSSL's, and libpq must really call it.
@Suite struct SCRAMDigestShimTests {
    /// libcrypto's HMAC functions, reached through the library itself (not the process's symbol
    /// table, where `HMAC_Init_ex` is the shim).
    struct OpenSSLHMAC {
        typealias New = @convention(c) () -> OpaquePointer?
        typealias Free = @convention(c) (OpaquePointer?) -> Void
        typealias Update = @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int) -> Int32
        typealias Final = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt32>?) -> Int32
        typealias Digest = @convention(c) () -> OpaquePointer?
        typealias Reset = @convention(c) (OpaquePointer?) -> Int32
        let new: New, free: Free, update: Update, final: Final, sha256: Digest, sha1: Digest, reset: Reset

        init() throws {
            _ = try LibPQ.functions()  // brings libcrypto in
            let crypto = try #require(dlopen("libcrypto.so.3", RTLD_LAZY | RTLD_NOLOAD), "libpq did not load libcrypto 3")
            func symbol<T>(_ name: String, _ type: T.Type) throws -> T {
                unsafeBitCast(try #require(dlsym(crypto, name), "libcrypto has no \(name)"), to: type)
            }
            new = try symbol("HMAC_CTX_new", New.self)
            free = try symbol("HMAC_CTX_free", Free.self)
            update = try symbol("HMAC_Update", Update.self)
            final = try symbol("HMAC_Final", Final.self)
            sha256 = try symbol("EVP_sha256", Digest.self)
            sha1 = try symbol("EVP_sha1", Digest.self)
            reset = try symbol("HMAC_CTX_reset", Reset.self)
        }

        /// One HMAC-SHA-256 on `context`, keyed through the shim with `key` as libpq does it
        /// (the key passed again every time, with `EVP_sha256()`).
        func rekeyedHMAC(_ context: OpaquePointer?, key: [UInt8], message: [UInt8]) throws -> String {
            try #require(key.withUnsafeBytes { lifeboat_HMAC_Init_ex(context, $0.baseAddress, Int32(key.count), sha256(), nil) } == 1)
            return SCRAMDigestShimTests.hex(try mac(context, message))
        }

        /// HMAC of each message under `key`, all on one context keyed once (later messages reuse
        /// the key: `HMAC_Init_ex` with no key and no digest), initialised through the shim.
        func hmac(key: [UInt8], messages: [[UInt8]], digest: OpaquePointer?, context given: OpaquePointer? = nil) throws -> [[UInt8]] {
            let context = given ?? new()
            defer { if given == nil { free(context) } }
            return try messages.enumerated().map { index, message in
                let initialised = index == 0
                    ? key.withUnsafeBytes { lifeboat_HMAC_Init_ex(context, $0.baseAddress, Int32(key.count), digest, nil) }
                    : lifeboat_HMAC_Init_ex(context, nil, 0, nil, nil)
                try #require(initialised == 1, "HMAC_Init_ex failed")
                return try mac(context, message)
            }
        }

        /// `message` through an initialised context: its HMAC.
        private func mac(_ context: OpaquePointer?, _ message: [UInt8]) throws -> [UInt8] {
            try #require(message.withUnsafeBytes { update(context, $0.baseAddress, message.count) } == 1)
            var out = [UInt8](repeating: 0, count: 64)
            var length: UInt32 = 0
            try #require(final(context, &out, &length) == 1)
            return Array(out.prefix(Int(length)))
        }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("RFC 4231's HMAC-SHA-256 vectors, and a reused key, come out of the shim unchanged")
    func rfc4231() throws {
        let openSSL = try OpenSSLHMAC()
        // Test case 2: a short key.
        let jefe = try openSSL.hmac(key: Array("Jefe".utf8), messages: [Array("what do ya want for nothing?".utf8)],
                                    digest: openSSL.sha256())
        #expect(Self.hex(jefe[0]) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // Test case 6: a key longer than SHA-256's block, hashed first.
        let long = try openSSL.hmac(key: [UInt8](repeating: 0xaa, count: 131),
                                    messages: [Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)],
                                    digest: openSSL.sha256())
        #expect(Self.hex(long[0]) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        // Many messages on one context, as SCRAM's rounds are, against swift-crypto's HMAC.
        let key = (0..<40).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
        let messages = (0..<5).map { round in (0..<(round * 13 + 1)).map { UInt8(($0 + round) & 0xff) } }
        let results = try openSSL.hmac(key: key, messages: messages, digest: openSSL.sha256())
        for (message, result) in zip(messages, results) {
            let expected = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
            #expect(Self.hex(result) == Self.hex(Array(expected)))
        }
    }

    static func expected(key: [UInt8], message: [UInt8]) -> String {
        hex(Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))))
    }

    /// The shim skips re-deriving a key that the context holds already (libpq passes the password
    /// again for each of its 4096 rounds); every other sequence must still get the key it passes.
    @Test("a key passed again is reused only where the context holds it")
    func keyReuse() throws {
        let openSSL = try OpenSSLHMAC()
        let password = Array("correct horse battery staple".utf8)
        let other = Array("an entirely different key, longer than the first".utf8)
        let long = [UInt8](repeating: 0x5c, count: 200)  // longer than the shim remembers
        let messages = (0..<6).map { round in (0..<(round * 11 + 3)).map { UInt8(truncatingIfNeeded: $0 &+ round) } }
        let first = openSSL.new(), second = openSSL.new()
        defer { openSSL.free(first); openSSL.free(second) }
        // libpq's loop: one context, the same key every round.
        for message in messages {
            #expect(try openSSL.rekeyedHMAC(first, key: password, message: message) == Self.expected(key: password, message: message))
        }
        // Two contexts with different keys, interleaved; one context rekeyed back and forth.
        for (index, message) in messages.enumerated() {
            let (context, key) = index % 2 == 0 ? (first, other) : (second, password)
            #expect(try openSSL.rekeyedHMAC(context, key: key, message: message) == Self.expected(key: key, message: message))
            let switched = index % 3 == 0 ? long : password
            #expect(try openSSL.rekeyedHMAC(first, key: switched, message: message) == Self.expected(key: switched, message: message))
        }
        // A key the shim does not keep (too long), or another digest, set on the very context it
        // remembers: the remembered key is not reused afterwards.
        _ = try openSSL.rekeyedHMAC(first, key: password, message: messages[0])
        #expect(try openSSL.rekeyedHMAC(first, key: long, message: messages[1]) == Self.expected(key: long, message: messages[1]))
        #expect(try openSSL.rekeyedHMAC(first, key: password, message: messages[2]) == Self.expected(key: password, message: messages[2]))
        _ = try openSSL.hmac(key: other, messages: [messages[3]], digest: openSSL.sha1(), context: first)
        #expect(try openSSL.rekeyedHMAC(first, key: password, message: messages[4]) == Self.expected(key: password, message: messages[4]))
        // A reset context, and a new one (often at a freed one's address), start unkeyed.
        _ = try openSSL.rekeyedHMAC(first, key: password, message: messages[0])
        #expect(openSSL.reset(first) == 1)
        #expect(try openSSL.rekeyedHMAC(first, key: password, message: messages[1]) == Self.expected(key: password, message: messages[1]))
        for _ in 0..<3 {
            let context = openSSL.new()
            #expect(try openSSL.rekeyedHMAC(context, key: password, message: messages[2]) == Self.expected(key: password, message: messages[2]))
            openSSL.free(context)
        }
        // The same bytes at another address are the same key; changed bytes at the same address are not.
        var mutable = password
        #expect(try openSSL.rekeyedHMAC(first, key: mutable, message: messages[3]) == Self.expected(key: password, message: messages[3]))
        mutable[0] ^= 1
        #expect(try openSSL.rekeyedHMAC(first, key: mutable, message: messages[3]) == Self.expected(key: mutable, message: messages[3]))
    }

    @Test("another digest passes through unchanged")
    func otherDigests() throws {
        let openSSL = try OpenSSLHMAC()
        let result = try openSSL.hmac(key: Array("Jefe".utf8), messages: [Array("what do ya want for nothing?".utf8)],
                                      digest: openSSL.sha1())
        // RFC 2202, HMAC-SHA-1 test case 2.
        #expect(Self.hex(result[0]) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
    }

    @Test("a SCRAM login through libpq goes through the shim", .enabled(if: PostgresTestEnvironment.shouldRun))
    func scramLoginUsesTheShim() throws {
        let reusedBefore = SCRAMDigestShim.reuses.load(ordering: .relaxed)
        // The test server's roles log in over TCP with SCRAM-SHA-256 (scripts/test.sh).
        let engine = try PostgresEngine.open(try PostgresTestEnvironment.requireURL(), options: EngineOptions())
        defer { engine.close() }
        #expect(try engine.value("SELECT 1") == "1")
        // 4096 salted-password rounds, each one HMAC_Init_ex with the password: derived once, reused
        // 4095 times (none when libpq binds HMAC_Init_ex elsewhere, or the reuse is broken).
        let reused = SCRAMDigestShim.reuses.load(ordering: .relaxed) - reusedBefore
        #expect(reused >= 4095, "\(reused) calls reused the key")
    }
}
#endif
