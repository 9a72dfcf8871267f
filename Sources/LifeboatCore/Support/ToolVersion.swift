/// Lifeboat's own version, printed by `--version` and written into manifests as `tool_version`.
public enum ToolVersion {
    public static let current = "0.1.0"
}
