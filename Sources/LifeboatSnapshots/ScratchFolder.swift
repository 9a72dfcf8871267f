import Foundation
import LifeboatCore

/// Where a run's temporary files live: `<backups>/.lifeboat-scratch/run-<uuid>/`, both folders 0700.
///
/// Why here and why so: scratch files are whole copies of the database (a SQLite backup copy and
/// its journal, a decompressed restore, `plan`'s rehearsal copy). In the system temporary folder
/// they were 0644 and out of `prune`'s sight; under the backups folder, inside a 0700 folder, only
/// the owner can read them, and every writing command can find and remove what a killed run left
/// (SPEC "Snapshots", v2).
///
/// How a dead run is told from a live one: each run folder holds an `owner` file on which the run
/// keeps an exclusive `flock(2)` while it lives. The kernel drops that lock when the process dies,
/// however it dies, so `removeDead` removes exactly the folders whose owner is gone — also those
/// of another database's run sharing the backups folder stay untouched while it runs.
public final class ScratchFolder: @unchecked Sendable {
    /// The folder of all runs' scratch folders, inside the backups folder.
    public static let folderName = ".lifeboat-scratch"
    static let runPrefix = "run-"
    static let ownerFile = "owner"

    /// This run's folder; files made in it should be 0600.
    public let url: URL
    private var ownerDescriptor: Int32
    /// The folders this run created (the backups folder, the scratch folder), removed again when
    /// empty: a `plan` leaves no folder behind where there was none.
    private let created: [String]

    /// Creates a run folder under `backups` (creating `backups` 0700 and the scratch folder 0700
    /// when missing) and takes its owner lock.
    /// - Throws: `SnapshotError.cannotCreateFolder` (exit 5) naming the folder.
    public init(in backups: String) throws {
        let root = URL(fileURLWithPath: backups).appendingPathComponent(Self.folderName)
        let run = root.appendingPathComponent(Self.runPrefix + UUID().uuidString)
        var created: [String] = []
        for folder in [URL(fileURLWithPath: backups), root, run] where try Self.makePrivateFolder(folder.path) {
            created.append(folder.path)
        }
        let owner = run.appendingPathComponent(Self.ownerFile).path
        // Locked under another name, then renamed: a concurrent `removeDead` (another run, or
        // another target of the same fleet) never sees an `owner` file it could lock before we do.
        let unlocked = owner + ".new"
        let descriptor = open(unlocked, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0, flock(descriptor, LOCK_EX | LOCK_NB) == 0, rename(unlocked, owner) == 0 else {
            let reason = describeErrno(errno)
            if descriptor >= 0 { close(descriptor) }
            try? FileManager.default.removeItem(at: run)
            throw SnapshotError.cannotCreateFolder(path: run.path, reason: reason)
        }
        url = run
        ownerDescriptor = descriptor
        self.created = created.filter { $0 != run.path }
    }

    deinit { remove() }

    /// A path for a new scratch file named `name` (with a unique prefix) in this run's folder.
    public func file(_ name: String) -> String {
        url.appendingPathComponent(UUID().uuidString.prefix(8) + "-" + name).path
    }

    /// Removes this run's folder and releases its owner lock; harmless when done already.
    public func remove() {
        guard ownerDescriptor >= 0 else { return }
        try? FileManager.default.removeItem(at: url)
        close(ownerDescriptor)
        ownerDescriptor = -1
        for folder in created.reversed() { rmdir(folder) }  // only when empty
    }

    /// Removes the run folders under `backups` whose owner is dead (its `flock` can be taken, or it
    /// has no owner file and is older than a minute: killed between `mkdir` and the `rename` of its
    /// `owner.new`, which may hold that file, not yet locked).
    /// - Returns: the removed folders' names, relative to `backups`, sorted.
    public static func removeDead(in backups: String) -> [String] {
        let root = URL(fileURLWithPath: backups).appendingPathComponent(folderName)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        var removed: [String] = []
        for name in names.sorted() where name.hasPrefix(runPrefix) {
            let run = root.appendingPathComponent(name)
            let owner = open(run.appendingPathComponent(ownerFile).path, O_RDONLY | O_CLOEXEC)
            if owner >= 0 {
                defer { close(owner) }
                guard flock(owner, LOCK_EX | LOCK_NB) == 0 else { continue }  // a live run
            } else {
                let modified = (try? FileManager.default.attributesOfItem(atPath: run.path)[.modificationDate]) as? Date
                guard let modified, Date().timeIntervalSince(modified) > 60 else { continue }
            }
            if (try? FileManager.default.removeItem(at: run)) != nil {
                removed.append(folderName + "/" + name)
            }
        }
        rmdir(root.path)  // only when empty: no live run uses it
        return removed
    }

    /// `mkdir` 0700 when missing; an existing folder is left as it is (the backups folder's mode
    /// is the operator's: `tidyBackupsFolder` warns about it).
    /// - Returns: whether it created the folder.
    @discardableResult
    private static func makePrivateFolder(_ path: String) throws -> Bool {
        if mkdir(path, 0o700) == 0 {
            // mkdir's mode passes through the umask; make it exactly 0700. Another run that found
            // the scratch folder empty may have removed it in between: make it again.
            let changed = chmod(path, 0o700) == 0
            if !changed && errno == ENOENT { return try makePrivateFolder(path) }
            guard changed else {
                throw SnapshotError.cannotCreateFolder(path: path, reason: describeErrno(errno))
            }
            return true
        }
        let code = errno
        guard code == EEXIST else {
            if code == ENOENT {
                // The scratch folder, removed by another run that found it empty: make it again.
                let parent = (path as NSString).deletingLastPathComponent
                if (parent as NSString).lastPathComponent == folderName {
                    try makePrivateFolder(parent)
                    return try makePrivateFolder(path)
                }
                // A missing parent (the backups folder's own parent): create it the ordinary way.
                do {
                    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                            withIntermediateDirectories: true)
                } catch {
                    throw SnapshotError.cannotCreateFolder(path: path, reason: error.localizedDescription)
                }
                return try makePrivateFolder(path)
            }
            throw SnapshotError.cannotCreateFolder(path: path, reason: describeErrno(code))
        }
        return false
    }
}
