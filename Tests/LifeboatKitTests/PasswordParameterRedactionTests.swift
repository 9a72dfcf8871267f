import Foundation
import LifeboatCore
import Testing

/// `DatabaseURL.redact` hides `password=` query parameters by hand now (a regular expression there
/// started ICU's regex engine on every PostgreSQL command): it must still do exactly what that
/// expression, `([?&]password=)[^&#]*` → `$1***` (any case), did.
@Suite struct PasswordParameterRedactionTests {
    @Test("examples: any case, several parameters, up to & or #, other text kept")
    func examples() {
        #expect(DatabaseURL.redact("postgres://h/db?password=s3cret&sslmode=disable")
            == "postgres://h/db?password=***&sslmode=disable")
        #expect(DatabaseURL.redact("postgres://h/db?sslmode=require&PassWord=a?b#frag")
            == "postgres://h/db?sslmode=require&PassWord=***#frag")
        #expect(DatabaseURL.redact("postgres://u:pw@h/db?password=x&password=y")
            == "postgres://u:***@h/db?password=***&password=***")
        #expect(DatabaseURL.redact("postgres://h/db?mypassword=kept&password") == "postgres://h/db?mypassword=kept&password")
        #expect(DatabaseURL.redact("postgres://h/dé?password=é&x=1") == "postgres://h/dé?password=***&x=1")
    }

    @Test("500 generated queries redact as the regular expression did")
    func sameAsTheRegularExpression() {
        let pieces = ["?", "&", "#", "password=", "PASSWORD=", "Password=", "passwor", "d=", "=", "x=1", "é", "pw", "&&", "??", " "]
        var state: UInt64 = 0x5EED_CAFE
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<500 {
            let query = (0..<next(12)).map { _ in pieces[next(pieces.count)] }.joined()
            let url = "postgres://h:5432/db" + query
            let expected = url.replacingOccurrences(of: #"([?&]password=)[^&#]*"#, with: "$1***",
                                                    options: [.regularExpression, .caseInsensitive])
            #expect(DatabaseURL.redact(url) == expected, "\(url)")
        }
    }
}
