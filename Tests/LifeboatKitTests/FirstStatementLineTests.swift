import Testing
@testable import LifeboatKit

/// `firstStatementLine` (the line an error is blamed on when the engine gives no position) skips
/// comments the way the lexer does.
@Suite("First statement line")
struct FirstStatementLineTests {
    @Test("block comments, nested ones included, before a statement are skipped")
    func blockComments() {
        let script = SQLScript("/* one\n /* nested */\n two */\n-- line\n\n  INSERT INTO t VALUES (1);", firstLine: 10)
        #expect(script.firstStatementLine == 15)
    }

    @Test("a script of only comments starts at its first line")
    func onlyComments() {
        #expect(SQLScript("-- a\n/* b */\n", firstLine: 4).firstStatementLine == 4)
    }

    @Test("a minus sign is not a comment")
    func minus() {
        #expect(SQLScript("\n-1", firstLine: 1).firstStatementLine == 2)
    }
}
