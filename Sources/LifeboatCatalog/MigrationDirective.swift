import LifeboatCore
/// A directive line of a migration file: `-- lifeboat:up`, dbmate's `-- migrate:up`, …
///
/// A directive is alone on its line (white space around it is allowed). Any comment line whose text
/// starts with `lifeboat:` or `migrate:`, in any letter case, is a directive (SPEC "Migration files"):
/// `-- Lifeboat:Down` is the down directive, and a line that looks like one but is not known
/// (`-- lifeboat:dwon`, `-- lifeboat:rollback`) is an error, never a comment — otherwise a mis-cased
/// or mistyped down directive would make the down section run inside the up section.
enum MigrationDirective: Equatable {
    enum Section: String, Equatable {
        case up, down, verify
    }

    /// Starts a section; `noTransaction` for `transaction:false` (dbmate's `-- migrate:up
    /// transaction:false`, `-- migrate:down transaction:false`), which applies to that section alone.
    case section(Section, noTransaction: Bool)
    case noTransaction
    case allowDestructive

    /// The directives a file may use, for messages.
    static let known = "-- lifeboat:up, -- lifeboat:down, -- lifeboat:verify, -- lifeboat:no-transaction, "
        + "-- lifeboat:allow-destructive, and dbmate's -- migrate:up / -- migrate:down "
        + "(up and down may add transaction:false)"

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
        if startsCaseInsensitively(body, with: "lifeboat:") {
            namespace = "lifeboat"
        } else if startsCaseInsensitively(body, with: "migrate:") {
            namespace = "migrate"
        } else {
            return nil
        }
        let nameStart = body.startIndex + namespace.utf8.count + 1
        let words = body[nameStart...].split(whereSeparator: isBlank).map { String(decoding: $0, as: UTF8.self).lowercased() }
        let unknown = CatalogError.unknownDirective(file: file, line: lineNumber,
                                                    directive: String(decoding: line[start..<end], as: UTF8.self))
        // `-- lifeboat: up` (a space after the colon) is not the up directive either.
        guard nameStart < body.endIndex, !isBlank(body[nameStart]), let name = words.first else { throw unknown }
        let options = words.dropFirst()

        switch (namespace, name) {
        case ("lifeboat", "up"), ("lifeboat", "down"), ("migrate", "up"), ("migrate", "down"):
            var noTransaction = false
            for option in options {
                switch option {
                case "transaction:false": noTransaction = true
                case "transaction:true": noTransaction = false
                default: throw unknown
                }
            }
            return .section(Section(rawValue: name)!, noTransaction: noTransaction)
        case ("lifeboat", "verify"):
            // The verify section always runs in the up section's transaction.
            guard options.isEmpty else { throw unknown }
            return .section(.verify, noTransaction: false)
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

    /// Whether `bytes` starts with `prefix` (lower-case ASCII), ignoring the letter case of `bytes`.
    private static func startsCaseInsensitively(_ bytes: ArraySlice<UInt8>, with prefix: StaticString) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard bytes.count >= length else { return false }
        let pointer = prefix.utf8Start
        var index = bytes.startIndex
        for offset in 0..<length {
            var byte = bytes[index]
            if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
            if byte != pointer[offset] { return false }
            index += 1
        }
        return true
    }

    @inline(__always) static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }
}
