import Foundation
import LifeboatKit
import Testing

/// `DatabaseURL.identity`: one spelling per database, so the local server's names and a default
/// port written or not are one database, and manifests written before that still match.
@Suite struct DatabaseIdentityTests {
    @Test(arguments: [
        "postgres://app:secret@localhost/app",
        "postgres://app@127.0.0.1/app",
        "postgres://app@127.0.0.1:5432/app",
        "postgresql://app@LOCALHOST:5432/app",
        "postgres://app@[::1]:5432/app",
        "postgres:///app?host=/var/run/postgresql",
    ])
    func localServerSpellingsAreOneIdentity(url: String) throws {
        #expect(try DatabaseURL(url).identity == "postgres://localhost:5432/app")
    }

    @Test func differentHostPortOrDatabaseAreDifferent() throws {
        let base = try DatabaseURL("postgres://localhost/app").identity
        for other in ["postgres://localhost:5433/app", "postgres://db.internal/app", "postgres://localhost/app2"] {
            #expect(try DatabaseURL(other).identity != base, "\(other)")
        }
    }

    /// Identities as older manifests wrote them (host as typed, port always written).
    @Test func oldManifestIdentitiesStillMatch() throws {
        let target = try DatabaseURL("postgres://app@localhost/app").identity
        #expect(DatabaseURL.sameIdentity("postgres://127.0.0.1:5432/app", target))
        #expect(DatabaseURL.sameIdentity("postgres://::1:5432/app", target))
        #expect(!DatabaseURL.sameIdentity("postgres://127.0.0.1:5433/app", target))
        #expect(DatabaseURL.sameIdentity("/srv/app.sqlite", "/srv/app.sqlite"))
        #expect(!DatabaseURL.sameIdentity("/srv/app.sqlite", "/srv/other.sqlite"))
    }
}
