import LifeboatCore
/// Lint found destructive changes in pending migrations that were not allowed (exit 6).
public enum LintError: LifeboatError, Equatable {
    /// The findings not allowed by `-- lifeboat:allow-destructive` (see `Lint.blocking`).
    case destructive([LintFinding])

    public var category: ErrorCategory { .lint }

    public var description: String {
        switch self {
        case .destructive(let findings):
            let count = findings.count == 1 ? "1 destructive statement" : "\(findings.count) destructive statements"
            return "\(count) in pending migrations:\n"
                + findings.map { "  " + $0.summary }.joined(separator: "\n")
                + "\nIf they are intended, add `-- lifeboat:allow-destructive` at the top of the migration, or pass --allow-destructive"
        }
    }
}
