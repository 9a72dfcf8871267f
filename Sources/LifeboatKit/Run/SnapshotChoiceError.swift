/// `restore` was pointed at a snapshot that is not the target's, or there is none (exit 2): the
/// user chose wrongly, nothing is broken, and nothing was changed.
public enum SnapshotChoiceError: LifeboatError, Equatable {
    /// The snapshot's manifest names another database of the same engine; `--force` allows it.
    case otherDatabase(id: String, snapshotDatabase: String, target: String)
    /// `latest` found no snapshot of the target. `others`: complete snapshots of other databases in
    /// the folder; `safetyOnly`: the target's `pre-restore` snapshots, which `latest` never means.
    case noneForTarget(target: String, folder: String, others: Int, safetyOnly: Int)

    public var category: ErrorCategory { .usage }

    public var description: String {
        switch self {
        case .otherDatabase(let id, let snapshotDatabase, let target):
            return "snapshot \(id) is of \(snapshotDatabase), not of the target \(target); nothing was changed; "
                + "pass --force to restore it into \(target) anyway (e.g. production's snapshot into staging)"
        case .noneForTarget(let target, let folder, let others, let safetyOnly):
            var text = "no snapshot of \(target) in \(folder) to restore as 'latest'; nothing was changed"
            if safetyOnly > 0 {
                text += "; its \(safetyOnly) pre-restore safety snapshot(s) are never 'latest': name one by id"
            }
            if others > 0 {
                text += "; the folder holds \(others) snapshot(s) of other databases: `lifeboat snapshots --all` lists them with their database"
            }
            return text
        }
    }
}
