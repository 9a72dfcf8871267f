import Testing
@testable import LifeboatKit

/// Random statements, built from the pieces that can hide a `;` (strings, `E''` strings, quoted
/// identifiers, tagged dollar quotes, comments, trigger and `BEGIN ATOMIC` bodies), joined with `;`,
/// must split back into the same statements.
@Suite("Statement splitter: random scripts split back")
struct StatementSplitterPropertyTests {
    /// SplitMix64: a small seeded generator, so a failure can be replayed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// One piece of a statement; none is a comment at the end, so a statement ends with a token.
    static func piece(_ random: inout SeededGenerator) -> String {
        let words = ["a", "b1", "x_y", "t", "sum(a)", "42", "3.5", "$1", "a$b$", "(", ")", ",", "-", "/", "=", "é"]
        switch Int.random(in: 0..<11, using: &random) {
        case 0: return "'it''s; \(Int.random(in: 0..<9, using: &random))'"
        case 1: return #"E'a\'; b\\'"#
        case 2: return #""we;ird""name""#
        case 3: return "$$ x; 'y $$"
        case 4: return "$fn$ a $$ ; $f$ ; $fn$"
        case 5: return "-- comment; here\n" + words.randomElement(using: &random)!
        case 6: return "/* outer /* inner; */ still; */ " + words.randomElement(using: &random)!
        case 7: return "\n"
        default: return words.randomElement(using: &random)!
        }
    }

    static func statement(_ random: inout SeededGenerator) -> String {
        let body = (0..<Int.random(in: 0..<6, using: &random)).map { _ in piece(&random) }.joined(separator: " ")
        switch Int.random(in: 0..<8, using: &random) {
        case 0:
            return "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET n = \(body) 1; "
                + "SELECT CASE WHEN 1 THEN 2 END; END"
        case 1:
            return "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT \(body) 1;\n"
                + "SELECT CASE WHEN true THEN 2 END; END"
        default:
            return "SELECT \(body) 1"
        }
    }

    @Test("300 seeded random scripts", arguments: 0..<300)
    func roundTrip(seed: UInt64) {
        var random = SeededGenerator(state: seed)
        let statements = (0..<Int.random(in: 1..<6, using: &random)).map { _ in Self.statement(&random) }
        let separators = [";", "; ", ";\n", ";\n\n-- between\n", "; /* between; */ "]
        let trailing = Bool.random(using: &random)
        var script = ""
        for (index, statement) in statements.enumerated() {
            script += statement
            if index < statements.count - 1 || trailing { script += separators.randomElement(using: &random)! }
        }
        let expected = statements.enumerated().map { index, statement in
            index < statements.count - 1 || trailing ? statement + ";" : statement
        }
        #expect(StatementSplitter.split(SQLScript(script)).map(\.text) == expected, "seed \(seed): \(script)")
    }
}
