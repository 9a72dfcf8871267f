import LifeboatKit

/// Reads a plain-format `pg_dump` from a stream, one statement at a time, in bounded memory.
///
/// It hands out statements and psql meta-command lines (`\restrict`, `\unrestrict`); after a
/// `COPY … FROM stdin` statement the caller takes the data with `copyData(_:)`, which streams the
/// rows up to the `\.` line in buffers of at most about `chunkSize` bytes (plus one statement or
/// one row's start). Memory is bounded by the largest single statement, not by the dump.
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
    /// How far the scanner got in the current statement.
    private var position = 0
    private var atEnd = false
    private var scanner = SQLStatementScanner(allowsMetaCommands: true)
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
            let step = buffer.withUnsafeBufferPointer { bytes in
                scanner.scan(bytes, position: &position, atEndOfInput: atEnd)
            }
            switch step {
            case .end(let end, let contentStart, let isMetaCommand):
                let leading = start..<(contentStart ?? end)
                noteMarker(in: leading)
                defer { start = end }
                guard let contentStart else { continue }
                if isMetaCommand {
                    var line = buffer[contentStart..<end]
                    while let last = line.last, last == 0x0A || last == 0x0D { line = line.dropLast() }
                    return .metaCommand(String(decoding: line, as: UTF8.self))
                }
                isComplete = false
                return .statement(String(decoding: buffer[contentStart..<end], as: UTF8.self))
            case .needMore:
                if atEnd {
                    noteMarker(in: start..<buffer.count)
                    if scanner.contentStart != nil {
                        throw ReadError.truncated("the dump ends inside a statement")
                    }
                    start = buffer.count
                    return nil
                }
                try refill()
            }
        }
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
            scanner.shift(by: start)
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
