/// A problem with the migration files or their agreement with the history (exit 3).
public enum CatalogError: LifeboatError {
    case placeholder(String)
    public var category: ErrorCategory { .validation }
    public var description: String {
        switch self { case .placeholder(let s): return s }
    }
}
