extension EngineError {
    /// Whether a statement was cancelled because it waited too long for a lock another session
    /// holds (PostgreSQL `lock_timeout`, SQLSTATE 55P03). The cancelled statement did nothing: Run
    /// may roll back and try again (`--lock-retries`). SQLite has no lock_timeout and never says so.
    public var isLockTimeout: Bool {
        code == .sqlState("55P03")
    }

    /// The same error with `text` added to its message on a new line (the blockers of a lock
    /// timeout, once Run has asked who they are).
    public func adding(_ text: String) -> EngineError {
        guard !text.isEmpty else { return self }
        switch self {
        case .statementFailed(let message, let file, let line, let statement, let code):
            return .statementFailed(message: message + "\n" + text, file: file, line: line, statement: statement, code: code)
        case .database(let code, let message):
            return .database(code: code, message: message + "\n" + text)
        case .failed(let message):
            return .failed(message + "\n" + text)
        default:
            return self
        }
    }
}
