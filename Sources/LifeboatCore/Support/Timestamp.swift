import Foundation

/// Times and names as the history table and manifests write them.
public enum Timestamp {
    /// `2026-11-21T09:30:00.123Z`: UTC, ISO-8601 with milliseconds. Formatted by hand
    /// (`UTCInstant`), as manifests are: a Foundation `ISO8601DateFormatter` per call took a sixth
    /// of a 1,000-migration run's time.
    public static func iso8601(_ date: Date) -> String {
        UTCInstant(date).iso8601
    }

    /// Milliseconds elapsed since `start` on a monotonic clock.
    public static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    /// `user@host` of this process, for `applied_by`.
    public static let userAtHost: String = {
        let environment = ProcessInfo.processInfo.environment
        var user = environment["USER"] ?? environment["LOGNAME"] ?? ""
        if user.isEmpty, let entry = getpwuid(getuid()), let name = entry.pointee.pw_name {
            user = String(cString: name)
        }
        return "\(user.isEmpty ? "unknown" : user)@\(ProcessInfo.processInfo.hostName)"
    }()
}
