// Placeholder until the catalog branch lands.
public enum StatementSplitter {
    public static func split(_ script: SQLScript) -> [SQLScript] { [script] }
}
