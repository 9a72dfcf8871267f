import Foundation

/// Whether the connection may tell libpq `gssencmode=disable` because GSSAPI encryption could not
/// be used anyway: libpq's default (`prefer`) first asks the GSSAPI library for credentials, and
/// with none it goes on without encryption, exactly as `disable` would.
///
/// Why: asking costs a Kerberos start (reading `/etc/gss/mech.d`, looking for `krb5.conf`, the
/// client keytab and the credential cache) on the critical path of every PostgreSQL command:
/// 0.4–0.6 ms of a 20 ms `status` (medians of 200 interleaved runs, README "Start-up"). This
/// answers from the same places without starting Kerberos, and only says yes when none of them
/// can hold a credential; any sign of Kerberos, or of a choice the user made, leaves libpq's
/// default alone. Linux (MIT Kerberos's places) only.
enum GSSEncryptionCheck {
    /// True when nothing could give libpq a GSSAPI credential and the user chose no `gssencmode`.
    /// - Parameters:
    ///   - parameters: the connection's libpq keywords (from the URL).
    ///   - environment: the process's environment.
    ///   - userIDs: the real and effective user ids (MIT Kerberos names the credential cache after
    ///     the one and the client keytab after the other).
    ///   - exists: whether a file or folder exists.
    ///   - entries: a folder's entries (nil when it cannot be read).
    static func canSkip(
        parameters: [(String, String)], environment: [String: String], userIDs: [UInt32],
        exists: (String) -> Bool = { access($0, F_OK) == 0 },
        entries: (String) -> [String]? = { try? FileManager.default.contentsOfDirectory(atPath: $0) }
    ) -> Bool {
        #if os(Linux)
        // A choice made in the URL, the environment or a service file stays the user's.
        let chosen = ["gssencmode", "service", "krbsrvname", "gsslib"]
        guard !parameters.contains(where: { chosen.contains($0.0) }) else { return false }
        let kerberosVariables = ["PGGSSENCMODE", "PGSERVICE", "PGSERVICEFILE", "PGKRBSRVNAME", "PGGSSLIB", "KRB5CCNAME",
                                 "KRB5_CONFIG", "KRB5_CLIENT_KTNAME", "GSS_MECH_CONFIG", "GSS_USE_PROXY"]
        guard !kerberosVariables.contains(where: { environment[$0] != nil }) else { return false }
        // A krb5.conf may name other credential caches or keytabs; another GSSAPI mechanism
        // (gss-proxy, NTLM) registers itself in /etc/gss.
        guard !exists("/etc/krb5.conf"), !exists("/etc/gss/mech") else { return false }
        if let mechanisms = entries("/etc/gss/mech.d") {
            guard !mechanisms.contains(where: { $0.hasSuffix(".conf") }) else { return false }
        } else if exists("/etc/gss/mech.d") {
            return false
        }
        // MIT Kerberos's built-in defaults: the credential cache and the client keytab.
        return !userIDs.contains { exists("/tmp/krb5cc_\($0)") || exists("/etc/krb5/user/\($0)/client.keytab") }
        #else
        return false
        #endif
    }

    /// `parameters`, with `gssencmode=disable` added when `canSkip` says so for this process and
    /// the loaded libpq knows the keyword (libpq 12 and later; an older one refuses it).
    static func applied(to parameters: [(String, String)]) -> [(String, String)] {
        #if os(Linux)
        guard canSkip(parameters: parameters, environment: ProcessInfo.processInfo.environment,
                      userIDs: [getuid(), geteuid()]),
              let libpq = try? LibPQ.functions(), libpq.PQlibVersion() >= 120_000 else { return parameters }
        return parameters + [("gssencmode", "disable")]
        #else
        return parameters
        #endif
    }
}
