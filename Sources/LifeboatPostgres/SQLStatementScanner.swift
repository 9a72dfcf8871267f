/// Finds where PostgreSQL statements end in UTF-8 text, incrementally, so it works on a stream.
///
/// It knows PostgreSQL's lexical rules that can hide a `;`: string literals (`'…'` with `''`,
/// `E'…'` with backslash escapes), quoted identifiers, dollar quotes (`$$…$$`, `$tag$…$tag$`),
/// `--` comments and nested `/* */` comments. With `allowsMetaCommands` (for `pg_dump` output), a
/// backslash at the start of a statement begins a psql meta-command that ends with its line.
///
/// Two users: `PostgresEngine.execute` (which statement of a script failed) and `SQLDumpReader`
/// (replaying a plain `pg_dump` in a restore). All delimiters are ASCII, so scanning bytes is
/// safe for UTF-8.
struct SQLStatementScanner {
    enum State: Equatable {
        case normal
        case singleQuote(backslashEscapes: Bool)
        case doubleQuote
        case lineComment
        case blockComment(depth: Int)
        case dollarQuote(tag: [UInt8])
        case metaCommand
    }

    enum Step: Equatable {
        /// A statement (or, with `isMetaCommand`, a meta-command line) ends just before `end`.
        /// `contentStart` is where its first character that is not blank or comment is, nil when
        /// it has none (a lone `;`).
        case end(end: Int, contentStart: Int?, isMetaCommand: Bool)
        /// The bytes ran out inside a statement; call again with more (or at the end of input).
        case needMore
    }

    let allowsMetaCommands: Bool
    private(set) var state: State = .normal
    /// Where the current statement's first real character is.
    private(set) var contentStart: Int?
    private var previous: UInt8 = 0x20
    private var beforePrevious: UInt8 = 0x20

    init(allowsMetaCommands: Bool = false) {
        self.allowsMetaCommands = allowsMetaCommands
    }

    /// Shifts remembered positions after the caller dropped `count` bytes from its buffer's front.
    mutating func shift(by count: Int) {
        if let start = contentStart { contentStart = start - count }
    }

    /// Scans `bytes[position...]`, advancing `position`. Returns `.end` after each statement (the
    /// scanner is then ready for the next) or `.needMore` when the bytes end first; with
    /// `atEndOfInput`, no lookahead is awaited.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, position: inout Int, atEndOfInput: Bool) -> Step {
        let count = bytes.count
        /// Byte at `index`, or nil when not read yet (the caller must wait unless at the end).
        func peek(_ index: Int) -> UInt8? { index < count ? bytes[index] : nil }

        while position < count {
            let byte = bytes[position]
            switch state {
            case .normal:
                if Self.isBlank(byte) {
                    remember(byte)
                    position += 1
                    continue
                }
                switch byte {
                case UInt8(ascii: "\\") where allowsMetaCommands && contentStart == nil:
                    contentStart = position
                    state = .metaCommand
                    position += 1
                    continue
                case UInt8(ascii: "-"):
                    guard let next = peek(position + 1) else {
                        if !atEndOfInput { return .needMore }
                        markContent(at: position, byte)
                        position += 1
                        continue
                    }
                    if next == UInt8(ascii: "-") {
                        remember(0x20)
                        state = .lineComment
                        position += 2
                        continue
                    }
                case UInt8(ascii: "/"):
                    guard let next = peek(position + 1) else {
                        if !atEndOfInput { return .needMore }
                        markContent(at: position, byte)
                        position += 1
                        continue
                    }
                    if next == UInt8(ascii: "*") {
                        remember(0x20)
                        state = .blockComment(depth: 1)
                        position += 2
                        continue
                    }
                case UInt8(ascii: "'"):
                    let escapes = (previous == UInt8(ascii: "E") || previous == UInt8(ascii: "e"))
                        && !Self.isIdentifierByte(beforePrevious)
                    markContent(at: position, byte)
                    state = .singleQuote(backslashEscapes: escapes)
                    position += 1
                    continue
                case UInt8(ascii: "\""):
                    markContent(at: position, byte)
                    state = .doubleQuote
                    position += 1
                    continue
                case UInt8(ascii: "$") where !Self.isIdentifierByte(previous):
                    // $tag$ opens a dollar quote; $1 is a parameter.
                    var index = position + 1
                    while let next = peek(index), Self.isIdentifierByte(next), next != UInt8(ascii: "$"),
                          !(index == position + 1 && Self.isDigit(next)) {
                        index += 1
                    }
                    guard let close = peek(index) else {
                        if !atEndOfInput { return .needMore }
                        markContent(at: position, byte)
                        position += 1
                        continue
                    }
                    if close == UInt8(ascii: "$") {
                        markContent(at: position, byte)
                        state = .dollarQuote(tag: Array(bytes[position...index]))
                        position = index + 1
                        continue
                    }
                case UInt8(ascii: ";"):
                    let start = contentStart
                    position += 1
                    reset()
                    return .end(end: position, contentStart: start, isMetaCommand: false)
                default:
                    break
                }
                markContent(at: position, byte)
                position += 1

            case .singleQuote(let escapes):
                if escapes && byte == UInt8(ascii: "\\") {
                    guard position + 1 < count || atEndOfInput else { return .needMore }
                    position += 2
                    continue
                }
                if byte == UInt8(ascii: "'") {
                    guard let next = peek(position + 1) else {
                        if !atEndOfInput { return .needMore }
                        state = .normal
                        remember(byte)
                        position += 1
                        continue
                    }
                    if next == UInt8(ascii: "'") {
                        position += 2
                        continue
                    }
                    state = .normal
                    remember(byte)
                }
                position += 1

            case .doubleQuote:
                if byte == UInt8(ascii: "\"") {
                    guard let next = peek(position + 1) else {
                        if !atEndOfInput { return .needMore }
                        state = .normal
                        remember(byte)
                        position += 1
                        continue
                    }
                    if next == UInt8(ascii: "\"") {
                        position += 2
                        continue
                    }
                    state = .normal
                    remember(byte)
                }
                position += 1

            case .lineComment:
                if byte == UInt8(ascii: "\n") { state = .normal }
                position += 1

            case .blockComment(let depth):
                if byte == UInt8(ascii: "*") || byte == UInt8(ascii: "/") {
                    guard let next = peek(position + 1) else {
                        if !atEndOfInput { return .needMore }
                        position += 1
                        continue
                    }
                    if byte == UInt8(ascii: "*") && next == UInt8(ascii: "/") {
                        state = depth == 1 ? .normal : .blockComment(depth: depth - 1)
                        position += 2
                        continue
                    }
                    if byte == UInt8(ascii: "/") && next == UInt8(ascii: "*") {
                        state = .blockComment(depth: depth + 1)
                        position += 2
                        continue
                    }
                }
                position += 1

            case .dollarQuote(let tag):
                if byte == UInt8(ascii: "$") {
                    guard position + tag.count <= count else {
                        if !atEndOfInput { return .needMore }
                        position += 1
                        continue
                    }
                    if bytes[position..<(position + tag.count)].elementsEqual(tag) {
                        state = .normal
                        remember(UInt8(ascii: "$"))
                        position += tag.count
                        continue
                    }
                }
                position += 1

            case .metaCommand:
                position += 1
                if byte == UInt8(ascii: "\n") {
                    let start = contentStart
                    reset()
                    return .end(end: position, contentStart: start, isMetaCommand: true)
                }
            }
        }
        if atEndOfInput, state == .metaCommand {
            let start = contentStart
            reset()
            return .end(end: position, contentStart: start, isMetaCommand: true)
        }
        return .needMore
    }

    /// Byte ranges of the statements in a whole script (each without its `;`), skipping empty
    /// ones; `contentStart` is where each statement's first real character is.
    static func statements(in bytes: [UInt8]) -> [(range: Range<Int>, contentStart: Int)] {
        var scanner = SQLStatementScanner()
        var found: [(Range<Int>, Int)] = []
        var position = 0
        var start = 0
        bytes.withUnsafeBufferPointer { buffer in
            while true {
                switch scanner.scan(buffer, position: &position, atEndOfInput: true) {
                case .end(let end, let contentStart, _):
                    if let contentStart { found.append((start..<(end - 1), contentStart)) }
                    start = end
                case .needMore:
                    // The end of the script: a last statement without `;`.
                    if let contentStart = scanner.contentStart { found.append((start..<bytes.count, contentStart)) }
                    return
                }
            }
        }
        return found
    }

    // MARK: - Helpers

    private mutating func markContent(at position: Int, _ byte: UInt8) {
        if contentStart == nil { contentStart = position }
        remember(byte)
    }

    private mutating func remember(_ byte: UInt8) {
        beforePrevious = previous
        previous = byte
    }

    private mutating func reset() {
        state = .normal
        contentStart = nil
        previous = 0x20
        beforePrevious = 0x20
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C || byte == 0x0B
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Letters, digits, `_`, `$` and any non-ASCII byte: what identifiers are made of.
    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "$") || byte >= 0x80
    }
}
