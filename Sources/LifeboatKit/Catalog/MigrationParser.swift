import Foundation

/// Reads one migration from its file(s): sections, options and checksum.
///
/// - Lifeboat files: `-- lifeboat:up`, `-- lifeboat:down`, `-- lifeboat:verify` start sections; text
///   before any section directive is the up section. `-- lifeboat:no-transaction` and
///   `-- lifeboat:allow-destructive` set options wherever they appear (the SPEC asks for them before
///   the first statement; elsewhere they are accepted too).
/// - dbmate files: `-- migrate:up`, `-- migrate:down`, `-- migrate:up transaction:false`.
/// - golang-migrate pairs: the whole `.up.sql` is the up section, the whole `.down.sql` the down
///   section (present but empty: a no-op; absent: `down == nil`).
///
/// Section scripts keep every line of their section, directive lines included (they are SQL
/// comments), joined with `\n`, so `firstLine` plus a line offset in the text is the line in the file.
public enum MigrationParser {
    /// Parses the contents of a single-file migration (Lifeboat or dbmate), or the `.up.sql` of a
    /// golang-migrate pair when `downFile` gives the pair's `.down.sql` (path and contents).
    /// - Throws: `CatalogError` for invalid UTF-8, unknown or repeated directives, an empty up section.
    public static func parse(_ raw: [UInt8], file: String, version: MigrationVersion, description: String,
                             downFile: (path: String, contents: [UInt8])? = nil) throws -> Migration {
        let source = try SourceText(raw: raw, file: file)
        let layout = try SectionLayout(source, file: file)

        let upRange = try layout.upRange(file: file)
        let up = SQLScript(source.text(lines: upRange), file: file, firstLine: upRange.lowerBound + 1)
        guard up.hasStatements else { throw CatalogError.emptyUpSection(file: file) }
        let checksum = MigrationChecksum.of(normalizedUpSection: source.joined(lines: upRange, skipping: { layout.isDirective[$0] }))

        var down = layout.down.map { section(source, $0.lines, file: file) }
        if let downFile {
            if let existing = layout.down {
                throw CatalogError.duplicateSection(file: file, section: "down", line: existing.directiveLine + 1)
            }
            let downSource = try SourceText(raw: downFile.contents, file: downFile.path)
            down = section(downSource, 0..<downSource.lines.count, file: downFile.path)
        }
        var verify = layout.verify.map { section(source, $0.lines, file: file) }
        if let script = verify, script.text.isEmpty { verify = nil }

        return Migration(version: version, description: description, file: file, up: up, down: down,
                         verify: verify, checksum: checksum, noTransaction: layout.noTransaction,
                         allowDestructive: layout.allowDestructive)
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
        guard let raw = try SourceText.readFile(atPath: upPath) else { throw CatalogError.badFileName(file: path) }
        var downFile: (path: String, contents: [UInt8])?
        if fileName.kind != .single {
            let downPath = folder + stem + ".down.sql"
            if FileManager.default.fileExists(atPath: downPath), let contents = try SourceText.readFile(atPath: downPath) {
                downFile = (downPath, contents)
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
    var noTransaction = false
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
                    if noTransaction { self.noTransaction = true }
                case .down:
                    guard down == nil else { throw CatalogError.duplicateSection(file: file, section: "down", line: index + 1) }
                    down = started
                case .verify:
                    guard verify == nil else { throw CatalogError.duplicateSection(file: file, section: "verify", line: index + 1) }
                    verify = started
                }
                current = kind
                currentStart = index + 1
            case .noTransaction:
                noTransaction = true
            case .allowDestructive:
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
