/// How one target of a fleet ended (SPEC "Fleets").
public enum FleetTargetStatus: String, Sendable, Codable {
    case ok
    case failed
    case skipped
    case upToDate = "up_to_date"
}

/// The fleet's counts and exit code.
public struct FleetSummary: Sendable, Codable, Equatable {
    public var total = 0
    public var ok = 0
    public var failed = 0
    public var skipped = 0
    public var upToDate = 0

    public init(_ statuses: [FleetTargetStatus]) {
        total = statuses.count
        for status in statuses {
            switch status {
            case .ok: ok += 1
            case .failed: failed += 1
            case .skipped: skipped += 1
            case .upToDate: upToDate += 1
            }
        }
    }

    /// 0 when every target ended ok or up to date, else the exit code of the first target, in file
    /// order, that failed (skipped targets have none). A fleet stopped before any failure (an
    /// interrupt) with targets left skipped did not finish: 1.
    public static func exitCode(_ results: [(status: FleetTargetStatus, exitCode: Int32?)]) -> Int32 {
        if let failed = results.first(where: { $0.status == .failed }) { return failed.exitCode ?? 1 }
        return results.contains { $0.status == .skipped } ? 1 : 0
    }
}
