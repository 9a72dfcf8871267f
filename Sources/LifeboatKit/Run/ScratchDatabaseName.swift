import Foundation

/// The name of a scratch database made by `plan --rehearse-on copy`:
/// `lifeboat_rehearsal_<pid>_<unix seconds>_<host tag>`. It says who made it and when, so that
/// `prune` can tell a leftover of a killed plan (its process is gone from this host, or it is
/// more than an hour old) from a rehearsal still running, without any table to record it in.
struct ScratchDatabaseName: Equatable {
    static let prefix = "lifeboat_rehearsal_"
    /// A plan on another host cannot be checked for life: its copy is a leftover after this long.
    static let maximumAge = 3600

    let pid: Int32
    let created: Int
    /// 8 hex digits of a hash of this host's name.
    let host: String

    var text: String { "\(Self.prefix)\(pid)_\(created)_\(host)" }

    /// A new name for this process, now.
    static func fresh() -> ScratchDatabaseName {
        ScratchDatabaseName(pid: getpid(), created: Int(Date().timeIntervalSince1970), host: thisHost)
    }

    init(pid: Int32, created: Int, host: String) {
        self.pid = pid
        self.created = created
        self.host = host
    }

    /// Reads a name made by `fresh()`; nil for any other name, which `prune` never drops.
    init?(_ name: String) {
        guard name.hasPrefix(Self.prefix) else { return nil }
        let parts = name.dropFirst(Self.prefix.count).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, let pid = Int32(parts[0]), let created = Int(parts[1]),
              parts[2].count == 8, parts[2].allSatisfy(\.isHexDigit) else { return nil }
        self.init(pid: pid, created: created, host: String(parts[2]))
    }

    /// Whether the plan that made it is over: its process no longer exists on this host, or the
    /// copy is older than `maximumAge` (a plan on another host, or a pid taken again).
    func isLeftOver(now: Int = Int(Date().timeIntervalSince1970)) -> Bool {
        if now - created > Self.maximumAge { return true }
        guard host == Self.thisHost else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// FNV-1a of the host name, as 8 hex digits: short enough for PostgreSQL's 63-byte names.
    static let thisHost: String = {
        var hash: UInt32 = 0x811C_9DC5
        for byte in ProcessInfo.processInfo.hostName.utf8 {
            hash = (hash ^ UInt32(byte)) &* 0x0100_0193
        }
        return String(format: "%08x", hash)
    }()
}
