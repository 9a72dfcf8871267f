import LifeboatCore

/// Reads a plain-format `pg_dump` from a stream, one statement at a time, in bounded memory.
///
/// It hands out statements and psql meta-command lines (`\restrict`, `\unrestrict`); after a
/// `COPY … FROM stdin` statement the caller takes the data with `copyData(_:)`, which streams the
/// rows up to the `\.` line in buffers of at most about `chunkSize` bytes (plus one statement or
/// one row's start). Memory is bounded by the largest single statement, not by the dump.
///
/// Statements are found by `SQLLexer` and `StatementBoundaries`, the lexer the migrations use, so a
/// `BEGIN ATOMIC … END` function body is one statement here too. The lexer works on whole buffers:
/// a token that reaches the end of the bytes read so far (it may go on) waits for the next chunk,
/// and the scan resumes after the last token that could not change.
///
/// It also tells whether the dump was complete: `pg_dump` ends its output with the comment
/// `-- PostgreSQL database dump complete`, so a truncated payload is recognised before the
/// restore commits.
final class SQLDumpReader {
    enum Piece: Equatable {
        case statement(String)
        /// A psql meta-command line, from its backslash, without the newline.
        case metaCommand(String)
    }

    enum ReadError: Error, Equatable {
        case truncated(String)
    }

    static let completionMarker = Array("-- PostgreSQL database dump complete".utf8)

    private let source: ByteSource
    private let chunkSize: Int
    private var buffer: [UInt8] = []
    /// Where unconsumed bytes begin.
    private var start = 0
    /// Where the lexer resumes: just past the last token of the current statement that the next
    /// chunk cannot change.
    private var position = 0
    /// Where the current statement's first token is (nil before it has one).
    private var contentStart: Int?
    private var boundaries = StatementBoundaries()
    private var atEnd = false
    private var chunk: [UInt8]

    /// Whether the completion marker was seen after the last statement.
    private(set) var isComplete = false
    /// Bytes read from the source so far.
    private(set) var bytesRead: Int64 = 0

    init(source: ByteSource, chunkSize: Int = 1 << 20) {
        self.source = source
        self.chunkSize = chunkSize
        chunk = [UInt8](repeating: 0, count: chunkSize)
    }

    /// The next statement or meta-command, or nil at the end of the dump.
    func next() throws -> Piece? {
        while true {
            switch scanBuffered() {
            case .statement(let end):
                let first = contentStart ?? end
                noteMarker(in: start..<first)
                isComplete = false
                defer { finishPiece(at: end) }
                return .statement(String(decoding: buffer[first..<end], as: UTF8.self))
            case .emptyStatement(let end):
                noteMarker(in: start..<end)
                finishPiece(at: end)
            case .metaCommand(let range):
                noteMarker(in: start..<range.lowerBound)
                defer { finishPiece(at: range.upperBound) }
                var line = buffer[range]
                while let last = line.last, last == 0x0A || last == 0x0D { line = line.dropLast() }
                return .metaCommand(String(decoding: line, as: UTF8.self))
            case .needMore:
                if atEnd {
                    noteMarker(in: start..<buffer.count)
                    if contentStart != nil {
                        throw ReadError.truncated("the dump ends inside a statement")
                    }
                    start = buffer.count
                    position = start
                    return nil
                }
                try refill()
            }
        }
    }

    private enum Found {
        /// The current statement ends just before `end` (after its `;`).
        case statement(end: Int)
        /// A `;` with no statement before it, ending just before `end`.
        case emptyStatement(end: Int)
        /// A psql meta-command line (a backslash where a statement would begin), with its newline.
        case metaCommand(Range<Int>)
        case needMore
    }

    /// Lexes from `position` to the first statement end or meta-command, or to where the buffered
    /// bytes stop being certain.
    private func scanBuffered() -> Found {
        // Locals, not properties, inside the per-token closure: it runs for every token of a
        // restore, and class property access there costs a third of the reader's time.
        let origin = position
        let atEnd = atEnd
        var position = position
        var contentStart = contentStart
        var boundaries = boundaries
        var found = Found.needMore
        buffer.withUnsafeBufferPointer { all in
            let bytes = UnsafeBufferPointer(rebasing: all[origin...])
            SQLLexer.scan(bytes) { token in
                let tokenStart = origin + token.start
                let tokenEnd = origin + token.end
                let byte = all[tokenStart]
                var isSymbol = false
                if case .symbol = token.kind { isSymbol = true }
                // A word, string or `-` at the end of the bytes read so far may go on in the next chunk.
                if tokenEnd == all.count, !atEnd, !(isSymbol && byte == UInt8(ascii: ";")) { return false }
                if contentStart == nil, isSymbol, byte == UInt8(ascii: "\\") {
                    if let newline = all[tokenStart...].firstIndex(of: 0x0A) {
                        found = .metaCommand(tokenStart..<(newline + 1))
                    } else if atEnd {
                        found = .metaCommand(tokenStart..<all.count)
                    }
                    return false
                }
                switch boundaries.feed(token, in: bytes) {
                case .inside:
                    if contentStart == nil { contentStart = tokenStart }
                    position = tokenEnd
                    return true
                case .ended:
                    found = .statement(end: tokenEnd)
                case .empty:
                    found = .emptyStatement(end: tokenEnd)
                }
                return false
            }
        }
        self.position = position
        self.contentStart = contentStart
        self.boundaries = boundaries
        return found
    }

    /// Consumes the bytes up to `end` and readies the lexer for the next statement.
    private func finishPiece(at end: Int) {
        start = end
        position = end
        contentStart = nil
        boundaries = StatementBoundaries()
    }

    /// Streams the rows of the `COPY … FROM stdin` statement just returned by `next()` into
    /// `send`, up to (not including) its `\.` line. Throws `ReadError.truncated` when the dump
    /// ends first.
    func copyData(_ send: (UnsafeRawBufferPointer) throws -> Void) throws {
        // The data begins on the line after the COPY statement.
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                start = newline + 1
                break
            }
            start = buffer.count
            if atEnd { throw ReadError.truncated("the dump ends inside COPY data") }
            try refill()
        }
        var lineStart = start
        var midLine = false
        var cursor = start
        while true {
            while let newline = buffer[cursor...].firstIndex(of: 0x0A) {
                if !midLine && isTerminator(lineStart..<newline) {
                    try flush(start..<lineStart, send)
                    start = newline + 1
                    position = start
                    return
                }
                midLine = false
                lineStart = newline + 1
                cursor = lineStart
            }
            cursor = buffer.count
            // Whole lines are data; so is a partial line that can no longer become `\.`.
            var sendEnd = lineStart
            let partial = buffer.count - lineStart
            if midLine || (partial >= 3 && !isTerminatorPrefix(lineStart)) {
                sendEnd = buffer.count
                if partial > 0 { midLine = true }
                lineStart = buffer.count
            }
            try flush(start..<sendEnd, send)
            start = sendEnd
            if atEnd {
                if !midLine && isTerminator(lineStart..<buffer.count) {
                    start = buffer.count
                    position = start
                    return
                }
                throw ReadError.truncated("the dump ends inside COPY data")
            }
            let before = start
            try refill()
            let shift = before - start
            lineStart -= shift
            cursor -= shift
        }
    }

    // MARK: - Buffer

    /// Drops consumed bytes and appends the next chunk of the source.
    private func refill() throws {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            position -= start
            if let first = contentStart { contentStart = first - start }
            start = 0
        }
        let count = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
        if count == 0 {
            atEnd = true
        } else {
            buffer.append(contentsOf: chunk[0..<count])
            bytesRead += Int64(count)
        }
    }

    private func flush(_ range: Range<Int>, _ send: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !range.isEmpty else { return }
        try buffer.withUnsafeBytes { bytes in
            try send(UnsafeRawBufferPointer(rebasing: bytes[range]))
        }
    }

    /// A line that is exactly `\.` (optionally with a carriage return).
    private func isTerminator(_ line: Range<Int>) -> Bool {
        var end = line.upperBound
        if end > line.lowerBound && buffer[end - 1] == 0x0D { end -= 1 }
        return end - line.lowerBound == 2 && buffer[line.lowerBound] == UInt8(ascii: "\\")
            && buffer[line.lowerBound + 1] == UInt8(ascii: ".")
    }

    private func isTerminatorPrefix(_ lineStart: Int) -> Bool {
        buffer[lineStart] == UInt8(ascii: "\\") && buffer[lineStart + 1] == UInt8(ascii: ".")
            && (buffer[lineStart + 2] == 0x0D || buffer[lineStart + 2] == 0x0A)
    }

    /// Remembers whether blank and comment text (between statements) holds the completion marker.
    private func noteMarker(in range: Range<Int>) {
        let marker = Self.completionMarker
        guard range.count >= marker.count else { return }
        let slice = buffer[range]
        var index = slice.startIndex
        while let found = slice[index...].firstIndex(of: marker[0]) {
            if found + marker.count <= slice.endIndex, slice[found..<(found + marker.count)].elementsEqual(marker) {
                isComplete = true
                return
            }
            index = found + 1
        }
    }
}
