/// Where the connection stands between `begin` and `commit`/`rollback`, and what it still owes
/// the server (see `PostgresEngine.transaction` for why anything is held back).
///
/// One value instead of three flags, so the meaning of each protocol call is read in one place:
/// `begin` opens with `beginSent: false`; a history row inside the transaction joins `historyRows`
/// (and so can fail only when they are sent, with the `COMMIT` or before the next of Lifeboat's
/// own queries, which `commit` reports as "recording the history").
enum PostgresTransactionState: Equatable {
    /// No transaction opened with `begin`.
    case idle
    /// Opened with `begin`: whether `BEGIN` has reached the server yet, and the history-row
    /// `INSERT`s not sent yet.
    case open(beginSent: Bool, historyRows: [String])

    var isOpen: Bool { self != .idle }

    /// Whether `BEGIN` reached the server (true when idle: there is nothing held back).
    var beginSent: Bool {
        if case .open(let sent, _) = self { return sent }
        return true
    }

    /// The history rows held back for the `COMMIT`.
    var historyRows: [String] {
        if case .open(_, let rows) = self { return rows }
        return []
    }

    /// What is held back, in order (`BEGIN` first when not sent yet); afterwards nothing is.
    mutating func takePending() -> [String] {
        guard case .open(let sent, let rows) = self else { return [] }
        self = .open(beginSent: true, historyRows: [])
        return (sent ? [] : ["BEGIN"]) + rows
    }
}
