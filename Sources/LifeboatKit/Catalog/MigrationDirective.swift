/// A directive line of a migration file: `-- lifeboat:up`, dbmate's `-- migrate:up`, …
///
/// A directive is alone on its line (white space around it is allowed). A comment that starts with
/// `lifeboat:` or `migrate:` followed by a letter is taken as a directive, so a typo such as
/// `-- lifeboat:dwon` is an error instead of SQL that silently lands in the wrong section.
enum MigrationDirective: Equatable {
    enum Section: String, Equatable {
        case up, down, verify
    }

    /// Starts a section; `noTransaction` for dbmate's `-- migrate:up transaction:false`.
    case section(Section, noTransaction: Bool)
    case noTransaction
    case allowDestructive

    /// The directive on `line`, nil when the line is not a directive.
    /// - Throws: `CatalogError.unknownDirective` for a `lifeboat:`/`migrate:` line that is not one.
    static func parse(_ line: ArraySlice<UInt8>, file: String, lineNumber: Int) throws -> MigrationDirective? {
        var start = line.startIndex
        var end = line.endIndex
        while start < end, isBlank(line[start]) { start += 1 }
        // Fast exit: almost every line is SQL.
        guard end - start >= 3, line[start] == UInt8(ascii: "-"), line[start + 1] == UInt8(ascii: "-") else { return nil }
        while end > start, isBlank(line[end - 1]) { end -= 1 }
        var cursor = start + 2
        while cursor < end, isBlank(line[cursor]) { cursor += 1 }
        let body = line[cursor..<end]
        let namespace: String
        if body.starts(with: "lifeboat:".utf8) {
            namespace = "lifeboat"
        } else if body.starts(with: "migrate:".utf8) {
            namespace = "migrate"
        } else {
            return nil
        }
        let nameStart = body.startIndex + namespace.utf8.count + 1
        guard nameStart < body.endIndex, isLetter(body[nameStart]) else { return nil }
        let words = body[nameStart...].split(whereSeparator: isBlank).map { String(decoding: $0, as: UTF8.self) }
        let written = String(decoding: line[start..<end], as: UTF8.self)
        let unknown = CatalogError.unknownDirective(file: file, line: lineNumber, directive: written)
        guard let name = words.first else { throw unknown }
        let options = words.dropFirst()

        switch (namespace, name) {
        case ("lifeboat", "up"), ("lifeboat", "down"), ("lifeboat", "verify"), ("migrate", "up"), ("migrate", "down"):
            var noTransaction = false
            for option in options {
                switch option {
                case "transaction:false": noTransaction = true
                case "transaction:true": noTransaction = false
                default: throw unknown
                }
            }
            return .section(Section(rawValue: name)!, noTransaction: noTransaction)
        case ("lifeboat", "no-transaction"):
            guard options.isEmpty else { throw unknown }
            return .noTransaction
        case ("lifeboat", "allow-destructive"):
            guard options.isEmpty else { throw unknown }
            return .allowDestructive
        default:
            throw unknown
        }
    }

    @inline(__always) private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    @inline(__always) private static func isLetter(_ byte: UInt8) -> Bool {
        byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A
    }
}
