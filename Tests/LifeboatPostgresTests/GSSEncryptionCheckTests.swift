#if os(Linux)
@testable import LifeboatPostgres
import Testing

/// Issue 15 (start-up): `gssencmode=disable` is added only where libpq's own GSSAPI attempt could
/// find no credential, and never over a choice the user made.
@Suite struct GSSEncryptionCheckTests {
    /// A machine with the given files and folders (folder entries after a colon).
    struct Machine {
        var files: Set<String> = []
        var folders: [String: [String]] = [:]

        func canSkip(parameters: [(String, String)] = [("host", "db")], environment: [String: String] = [:],
                     userIDs: [UInt32] = [1000, 1000]) -> Bool {
            GSSEncryptionCheck.canSkip(parameters: parameters, environment: environment, userIDs: userIDs,
                                       exists: { files.contains($0) || folders[$0] != nil }, entries: { folders[$0] })
        }
    }

    @Test("no Kerberos anywhere: skipped")
    func nothing() {
        #expect(Machine().canSkip())
        #expect(Machine(folders: ["/etc/gss/mech.d": ["README"]]).canSkip())
    }

    @Test("a choice in the URL or the environment stays the user's")
    func userChoices() {
        let machine = Machine()
        for key in ["gssencmode", "service", "krbsrvname", "gsslib"] {
            #expect(!machine.canSkip(parameters: [("host", "db"), (key, "x")]), "\(key)")
        }
        for variable in ["PGGSSENCMODE", "PGSERVICE", "PGSERVICEFILE", "KRB5CCNAME", "KRB5_CONFIG", "KRB5_CLIENT_KTNAME", "GSS_USE_PROXY"] {
            #expect(!machine.canSkip(environment: [variable: "x"]), "\(variable)")
        }
    }

    @Test("any place a credential could come from: left to libpq")
    func kerberosPresent() {
        #expect(!Machine(files: ["/etc/krb5.conf"]).canSkip())
        #expect(!Machine(files: ["/etc/gss/mech"]).canSkip())
        #expect(!Machine(folders: ["/etc/gss/mech.d": ["proxymech.conf"]]).canSkip())
        #expect(!Machine(files: ["/tmp/krb5cc_1000"]).canSkip())
        #expect(!Machine(files: ["/tmp/krb5cc_0"]).canSkip(userIDs: [0, 1000]), "the real user's cache")
        #expect(!Machine(files: ["/etc/krb5/user/1000/client.keytab"]).canSkip(userIDs: [0, 1000]), "the effective user's keytab")
        // Another user's cache is not this process's.
        #expect(Machine(files: ["/tmp/krb5cc_1001"]).canSkip())
    }

    @Test("applied adds gssencmode=disable at most once, and never over the URL's")
    func applied() {
        let given = GSSEncryptionCheck.applied(to: [("host", "db"), ("gssencmode", "require")])
        #expect(given.filter { $0.0 == "gssencmode" }.map(\.1) == ["require"])
        let defaulted = GSSEncryptionCheck.applied(to: [("host", "db")])
        #expect(defaulted.filter { $0.0 == "gssencmode" }.count <= 1)
    }
}
#endif
