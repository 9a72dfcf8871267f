import Foundation
import LifeboatCore

/// A problem with the migration files or their agreement with the history (exit 3).
///
/// Every message names the file (or the version when there is no file) and says what to do.
public enum CatalogError: LifeboatError, Equatable {
    // MARK: - Files

    /// A `.sql` file whose name is not `<version>_<description>.sql` (or a golang-migrate
    /// `<version>_<name>.up.sql` / `.down.sql`).
    case badFileName(file: String)
    /// Two files with the same numeric version (`0002_a.sql` and `2_b.sql`); `files` is sorted.
    case duplicateVersion(version: String, files: [String])
    /// The file is not valid UTF-8; `offset` is the 0-based byte offset of the first bad byte.
    case invalidUTF8(file: String, offset: Int)
    /// The up section holds no statement (only comments and white space, or nothing).
    case emptyUpSection(file: String)
    /// A `-- lifeboat:…` or `-- migrate:…` line that is not a known directive (1-based line).
    case unknownDirective(file: String, line: Int, directive: String)
    /// A section (`up`, `down`, `verify`) started twice (1-based line of the second start).
    case duplicateSection(file: String, section: String, line: Int)
    /// A golang-migrate `.down.sql` without its `.up.sql`.
    case downWithoutUp(file: String)
    /// A golang-migrate `.up.sql` and `.down.sql` with the same version but different names.
    case mismatchedPair(up: String, down: String)
    /// A NUL byte in the file; `offset` is its 0-based byte offset (both engines' C interfaces
    /// stop at it, so the rest of the file would silently not run).
    case nulByte(file: String, offset: Int)
    /// An entry named like a migration that is not a regular file (`kind`: "a FIFO (named pipe)",
    /// "a folder", "a device", …); never opened for reading, so it cannot block.
    case notARegularFile(file: String, kind: String)
    /// A `/*` comment, string, quoted identifier or dollar quote that is never closed (1-based
    /// line where it begins); `what` names it.
    case unterminated(file: String, line: Int, what: String)
    /// An up section whose statements are all empty (`;;;`); `line` is the section's first line.
    case onlyEmptyStatements(file: String, line: Int)
    /// An explicit transaction-control statement (`COMMIT`, `BEGIN`, …) in a section that runs in
    /// Lifeboat's transaction.
    case transactionControl(file: String, line: Int, statement: String)
    /// A statement that cannot run in a transaction block (`CREATE INDEX CONCURRENTLY`, `VACUUM`,
    /// `CREATE DATABASE`, `ALTER SYSTEM`, …) in a section that runs in Lifeboat's transaction.
    case needsNoTransaction(file: String, line: Int, statement: String)
    /// `-- lifeboat:no-transaction` or `-- lifeboat:allow-destructive` after the first statement.
    case optionAfterFirstStatement(file: String, line: Int, directive: String)
    /// A section directive other than down in a golang-migrate `.down.sql`.
    case sectionInDownFile(file: String, line: Int, directive: String)
    /// The file could not be read (permissions, I/O).
    case unreadableFile(file: String, reason: String)
    /// `lifeboat new` would overwrite an existing file.
    case fileExists(file: String)

    // MARK: - Files against the history

    /// An applied migration's up section changed since it was applied.
    case drift(file: String, version: String, recorded: String, current: String)
    /// A version recorded as applied whose file is gone.
    case missingFile(version: String, description: String, directory: String)
    /// A `failed` history row: a no-transaction migration that did not finish.
    case dirty(version: String, description: String, snapshotID: String?)
    /// A `restoring` marker: a restore of `snapshotID` after a failed run was interrupted.
    case interruptedRestore(snapshotID: String?)
    /// A pending migration whose version is lower than the highest applied one.
    case outOfOrder(file: String, version: String, highestApplied: String)

    public var category: ErrorCategory { .validation }

    public var description: String {
        switch self {
        case .badFileName(let file):
            return "\(file): a migration file must be named <version>_<description>.sql "
                + "(version: digits; description: letters, digits, '_' and '-'), e.g. 0003_add_users.sql, "
                + "or be a golang-migrate <version>_<name>.up.sql/.down.sql pair; rename it, or move it out of the migrations folder"
        case .duplicateVersion(let version, let files):
            let numeric = MigrationVersion(version)?.numeric ?? version
            return "duplicate migration version \(numeric): \(Self.list(files)) have the same version "
                + "(versions compare numerically, so 0002 and 2 are the same); give one of them a new version"
        case .invalidUTF8(let file, let offset):
            return "\(file): not valid UTF-8 (first bad byte at offset \(offset)); save the file as UTF-8"
        case .emptyUpSection(let file):
            return "\(file): the up section is empty; write the migration's SQL before any other section "
                + "or after '-- lifeboat:up' (or '-- migrate:up'); for a deliberate no-op, write a comment that says why"
        case .unknownDirective(let file, let line, let directive):
            return "\(file):\(line): unknown directive '\(Self.excerpt(directive))' (directives are read in any letter case); "
                + "the known directives are \(MigrationDirective.known), each alone on its line"
        case .nulByte(let file, let offset):
            return "\(file): a NUL byte at offset \(offset); a migration file is text, remove the byte (or restore the file)"
        case .notARegularFile(let file, let kind):
            return "\(file): named like a migration but \(kind), not a regular file; it was not read. "
                + "Replace it with the migration file, or move it out of the migrations folder"
        case .unterminated(let file, let line, let what):
            return "\(file):\(line): this \(what) is never closed, so the rest of the file would be part of it; close it"
        case .onlyEmptyStatements(let file, let line):
            return "\(file):\(line): the up section holds only empty statements (';' with nothing before it); "
                + "write the migration's SQL, or for a deliberate no-op only a comment that says why"
        case .transactionControl(let file, let line, let statement):
            return "\(file):\(line): \(statement) statement in a migration that runs in a transaction; Lifeboat "
                + "begins and commits that transaction itself, together with the history row, so remove it "
                + "(for statements that cannot run in a transaction, mark the file -- lifeboat:no-transaction)"
        case .needsNoTransaction(let file, let line, let statement):
            return "\(file):\(line): \(statement) cannot run inside a transaction, and this migration runs in one; "
                + "put it in its own migration marked -- lifeboat:no-transaction (allow-destructive does not change this)"
        case .optionAfterFirstStatement(let file, let line, let directive):
            return "\(file):\(line): '\(Self.excerpt(directive))' comes after the first statement; a file option "
                + "applies to the whole file, so move it above the first statement"
        case .sectionInDownFile(let file, let line, let directive):
            return "\(file):\(line): '\(Self.excerpt(directive))' in a golang-migrate .down.sql; the whole file is the down "
                + "section, so remove the directive (-- lifeboat:no-transaction is allowed before the first statement)"
        case .duplicateSection(let file, let section, let line):
            return "\(file):\(line): a second \(section) section; a migration has at most one \(section) section, "
                + "merge them into one"
        case .downWithoutUp(let file):
            return "\(file): a golang-migrate down file without its .up.sql; add the .up.sql file or remove this one"
        case .mismatchedPair(let up, let down):
            return "\(up) and \(down) have the same version but different names; "
                + "name the .up.sql and .down.sql of a migration alike"
        case .unreadableFile(let file, let reason):
            return "\(file): cannot be read (\(reason)); check its permissions"
        case .fileExists(let file):
            return "\(file) already exists; not overwriting it — pick another description or remove the file"
        case .drift(let file, let version, let recorded, let current):
            return "\(file): migration \(version) was changed after it was applied: the up section's checksum is "
                + "\(current), the history records \(recorded). Put the up section back as it was "
                + "(editing only down or verify is fine) and make the change in a new migration (`lifeboat new`); "
                + "if the edit is intended and the database already matches it, run `lifeboat repair` to re-record the checksum"
        case .missingFile(let version, let description, let directory):
            return "migration \(version) (\(description)) is recorded as applied but its file "
                + "\(version)_\(description).sql is missing from \(directory); put the file back (e.g. from version control)"
        case .dirty(let version, let description, let snapshotID):
            let restore = snapshotID.map { "`lifeboat restore \($0)`" }
                ?? "`lifeboat restore <snapshot_id>` (see `lifeboat snapshots`)"
            return "the database is dirty: migration \(version) (\(description)) failed part-way and is recorded as failed. "
                + "Put back the snapshot taken before that run with \(restore), "
                + "or fix the database by hand and run `lifeboat repair`"
        case .interruptedRestore(let snapshotID):
            let restore = snapshotID.map { "`lifeboat restore \($0)`" }
                ?? "`lifeboat restore <snapshot_id>` (see `lifeboat snapshots`)"
            return "the database is dirty: a restore of snapshot \(snapshotID ?? "(unknown)") after a failed run was interrupted, "
                + "so the database still holds what that run committed. Finish it with \(restore), "
                + "or, after reviewing the database by hand, run `lifeboat repair` to keep it as it is"
        case .outOfOrder(let file, let version, let highestApplied):
            return "\(file): migration \(version) is pending but a higher version, \(highestApplied), is already applied; "
                + "give it a version above \(highestApplied) (rename the file), or pass --allow-out-of-order to apply it anyway"
        }
    }

    /// At most 60 characters of a line from a file, for messages: an error never echoes much of a
    /// file (it may be a symlink to something that is not a migration).
    static func excerpt(_ line: String) -> String {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 60 ? String(trimmed.prefix(59)) + "…" : trimmed
    }

    private static func list(_ files: [String]) -> String {
        switch files.count {
        case 0: return "(no files)"
        case 1: return files[0]
        case 2: return "\(files[0]) and \(files[1])"
        default: return files.dropLast().joined(separator: ", ") + " and " + files[files.count - 1]
        }
    }
}
