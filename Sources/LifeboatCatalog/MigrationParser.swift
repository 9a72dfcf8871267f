import Foundation
import LifeboatCore

/// Reads one migration from its file(s): sections, options and checksum.
///
/// - Lifeboat files: `-- lifeboat:up`, `-- lifeboat:down`, `-- lifeboat:verify` start sections; text
///   before any section directive is the up section. `-- lifeboat:no-transaction` and
///   `-- lifeboat:allow-destructive` are file options, allowed only before the first statement;
///   no-transaction applies to the up and the down section.
/// - dbmate files: `-- migrate:up`, `-- migrate:down`; `transaction:false` on either makes that
///   section alone run outside a transaction.
/// - golang-migrate pairs: the whole `.up.sql` is the up section, the whole `.down.sql` the down
///   section (present but empty: a no-op; absent: `down == nil`); the `.down.sql` may carry its
///   own `-- lifeboat:no-transaction`.
///
/// Directives are matched in any letter case; every section is checked (`SectionCheck`) before
/// anything runs. Section scripts keep every line of their section, directive lines included (they
/// are SQL comments), joined with `\n`, so `firstLine` plus a line offset in the text is the line in
/// the file.
public enum MigrationParser {
    /// Parses the contents of a single-file migration (Lifeboat or dbmate), or the `.up.sql` of a
    /// golang-migrate pair when `downFile` gives the pair's `.down.sql` (path and contents).
    /// - Throws: `CatalogError` for a NUL byte, invalid UTF-8, unknown or repeated directives, a
    ///   file option after the first statement, an empty up section (only white space, or only
    ///   empty statements), an unterminated comment or string, a transaction-control statement in
    ///   a section that runs in a transaction.
    public static func parse(_ raw: [UInt8], file: String, version: MigrationVersion, description: String,
                             downFile: (path: String, contents: [UInt8])? = nil) throws -> Migration {
        let source = try SourceText(raw: raw, file: file)
        let layout = try SectionLayout(source, file: file)

        let upRange = try layout.upRange(file: file)
        let up = SQLScript(source.text(lines: upRange), file: file, firstLine: upRange.lowerBound + 1)
        let upContent = source.joined(lines: upRange, skipping: { layout.isDirective[$0] })
        // Only white space is a mistake; only comments is a deliberate no-op (SPEC v2).
        guard upContent.contains(where: { !MigrationDirective.isBlank($0) && $0 != 0x0A }) else {
            throw CatalogError.emptyUpSection(file: file)
        }
        let upContents = try SectionCheck.check(up, inTransaction: !layout.upNoTransaction)
        if upContents.hasTokens, !upContents.hasStatements {
            throw CatalogError.onlyEmptyStatements(file: file, line: up.firstLine)
        }
        let checksum = MigrationChecksum.of(normalizedUpSection: upContent)

        var down = layout.down.map { section(source, $0.lines, file: file) }
        var downNoTransaction = layout.downNoTransaction
        if let downFile {
            if let existing = layout.down {
                throw CatalogError.duplicateSection(file: file, section: "down", line: existing.directiveLine + 1)
            }
            let downSource = try SourceText(raw: downFile.contents, file: downFile.path)
            if try DownFileOptions(downSource, file: downFile.path).noTransaction { downNoTransaction = true }
            down = section(downSource, 0..<downSource.lines.count, file: downFile.path)
        }
        if let down { _ = try SectionCheck.check(down, inTransaction: !downNoTransaction) }
        var verify = layout.verify.map { section(source, $0.lines, file: file) }
        if let script = verify {
            _ = try SectionCheck.check(script, inTransaction: !layout.upNoTransaction)
            if script.text.isEmpty { verify = nil }
        }

        return Migration(version: version, description: description, file: file, up: up, down: down,
                         verify: verify, checksum: checksum, noTransaction: layout.upNoTransaction,
                         allowDestructive: layout.allowDestructive, downNoTransaction: downNoTransaction)
    }

    /// Reads and parses the migration file at `path` (for `lifeboat lint FILE…`). For either half
    /// of a golang-migrate pair, both the `.up.sql` and the `.down.sql` next to it are read.
    /// - Throws: `CatalogError` for a bad name or contents, a `.down.sql` without its `.up.sql`,
    ///   or an unreadable file.
    public static func parseFile(atPath path: String) throws -> Migration {
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        guard let fileName = MigrationFileName(name) else { throw CatalogError.badFileName(file: path) }
        let folder = String(path.dropLast(name.utf8.count))
        let stem = String(name.dropLast(fileName.kind == .up ? 7 : fileName.kind == .down ? 9 : 0))
        let upPath = fileName.kind == .single ? path : folder + stem + ".up.sql"
        guard FileManager.default.fileExists(atPath: upPath) else {
            throw fileName.kind == .down ? CatalogError.downWithoutUp(file: path)
                : CatalogError.unreadableFile(file: path, reason: "no such file")
        }
        let raw = try SourceText.readFile(atPath: upPath)
        var downFile: (path: String, contents: [UInt8])?
        if fileName.kind != .single {
            let downPath = folder + stem + ".down.sql"
            if FileManager.default.fileExists(atPath: downPath) {
                downFile = (downPath, try SourceText.readFile(atPath: downPath))
            }
        }
        return try parse(raw, file: upPath, version: fileName.version, description: fileName.description, downFile: downFile)
    }

    /// A down or verify section as a script; the text is empty when the section holds no statement,
    /// so an engine is never asked to run comments only.
    private static func section(_ source: SourceText, _ lines: Range<Int>, file: String) -> SQLScript {
        let script = SQLScript(source.text(lines: lines), file: file, firstLine: lines.lowerBound + 1)
        return script.hasStatements ? script : SQLScript("", file: file, firstLine: script.firstLine)
    }
}

/// Where a file's sections are: line ranges (0-based) and options, found in one pass over the lines.
private struct SectionLayout {
    struct Section {
        /// 0-based line of the directive that starts the section.
        let directiveLine: Int
        /// The section's lines, after its directive up to the next section directive.
        var lines: Range<Int>
    }

    /// Lines before the first section directive: the up section when there is no `-- lifeboat:up`.
    var implicitUp: Range<Int>
    var up: Section?
    var down: Section?
    var verify: Section?
    /// The file option `-- lifeboat:no-transaction`, or `transaction:false` on the up directive.
    var upNoTransaction = false
    /// The file option `-- lifeboat:no-transaction`, or `transaction:false` on the down directive.
    var downNoTransaction = false
    var allowDestructive = false
    /// Per line: is it a directive line (left out of the checksum)?
    var isDirective: [Bool]
    private let source: SourceText

    init(_ source: SourceText, file: String) throws {
        self.source = source
        let lineCount = source.lines.count
        implicitUp = 0..<lineCount
        isDirective = [Bool](repeating: false, count: lineCount)
        var current: MigrationDirective.Section?
        var currentStart = 0
        var options = FileOptionPosition(source)

        func close(at end: Int) {
            switch current {
            case nil: implicitUp = 0..<end
            case .up?: up?.lines = currentStart..<end
            case .down?: down?.lines = currentStart..<end
            case .verify?: verify?.lines = currentStart..<end
            }
        }

        for index in 0..<lineCount {
            let line = source.bytes[source.lines[index]]
            guard let directive = try MigrationDirective.parse(line, file: file, lineNumber: index + 1) else { continue }
            isDirective[index] = true
            switch directive {
            case .section(let kind, let noTransaction):
                close(at: index)
                let started = Section(directiveLine: index, lines: (index + 1)..<lineCount)
                switch kind {
                case .up:
                    guard up == nil else { throw CatalogError.duplicateSection(file: file, section: "up", line: index + 1) }
                    up = started
                    if noTransaction { upNoTransaction = true }
                case .down:
                    guard down == nil else { throw CatalogError.duplicateSection(file: file, section: "down", line: index + 1) }
                    down = started
                    if noTransaction { downNoTransaction = true }
                case .verify:
                    guard verify == nil else { throw CatalogError.duplicateSection(file: file, section: "verify", line: index + 1) }
                    verify = started
                }
                current = kind
                currentStart = index + 1
            case .noTransaction:
                try options.require(before: index, file: file, line: line)
                upNoTransaction = true
                downNoTransaction = true
            case .allowDestructive:
                try options.require(before: index, file: file, line: line)
                allowDestructive = true
            }
        }
        close(at: lineCount)
    }

    /// The up section's lines: after `-- lifeboat:up` when there is one, else the text before any
    /// section directive.
    /// - Throws: `CatalogError.duplicateSection` when there are statements both before the first
    ///   directive and after `-- lifeboat:up`.
    func upRange(file: String) throws -> Range<Int> {
        guard let up else { return implicitUp }
        if !implicitUp.isEmpty, SQLScript(source.text(lines: implicitUp)).hasStatements {
            throw CatalogError.duplicateSection(file: file, section: "up", line: up.directiveLine + 1)
        }
        return up.lines
    }
}

/// Where the first statement of a file is, found once the first file option asks: options count
/// only before it (SPEC), since an option after SQL would change how SQL above it runs.
private struct FileOptionPosition {
    private let source: SourceText
    /// 0-based line of the file's first token; `Int.max` when there is none; nil until asked.
    private var firstStatementLine: Int?

    init(_ source: SourceText) {
        self.source = source
    }

    /// - Throws: `CatalogError.optionAfterFirstStatement` when line `index` comes after the first statement.
    mutating func require(before index: Int, file: String, line: ArraySlice<UInt8>) throws {
        if firstStatementLine == nil {
            var first = Int.max
            _ = source.bytes.withUnsafeBufferPointer { bytes in
                SQLLexer.scan(bytes) { token in
                    first = token.line
                    return false
                }
            }
            firstStatementLine = first
        }
        if let firstStatementLine, index > firstStatementLine {
            throw CatalogError.optionAfterFirstStatement(file: file, line: index + 1, directive: String(decoding: line, as: UTF8.self))
        }
    }
}

/// The directives of a golang-migrate `.down.sql`: the whole file is the down section, so only
/// file options (before the first statement) and a harmless down directive may appear.
private struct DownFileOptions {
    var noTransaction = false

    /// - Throws: `CatalogError` for an unknown directive, an up or verify directive, or an option
    ///   after the first statement.
    init(_ source: SourceText, file: String) throws {
        var options = FileOptionPosition(source)
        for index in 0..<source.lines.count {
            let line = source.bytes[source.lines[index]]
            guard let directive = try MigrationDirective.parse(line, file: file, lineNumber: index + 1) else { continue }
            switch directive {
            case .section(.down, let noTransaction):
                if noTransaction { self.noTransaction = true }
            case .section:
                throw CatalogError.sectionInDownFile(file: file, line: index + 1, directive: String(decoding: line, as: UTF8.self))
            case .noTransaction:
                try options.require(before: index, file: file, line: line)
                noTransaction = true
            case .allowDestructive:
                try options.require(before: index, file: file, line: line)
            }
        }
    }
}
