import Foundation

/// How a fleet is started (SPEC "Fleets"): `--parallel`, `--canary`, `--max-failures`.
public struct FleetSchedule: Sendable, Equatable {
    public var parallel: Int
    public var canary: Int
    public var maxFailures: Int

    public init(parallel: Int = 1, canary: Int = 0, maxFailures: Int = 1) {
        self.parallel = parallel
        self.canary = canary
        self.maxFailures = maxFailures
    }
}

/// Starts each target's run on its own thread, at most `parallel` at a time. The library is
/// synchronous (a run holds one connection, and `pg_dump` for a PostgreSQL snapshot), so plain
/// threads, not tasks: a run blocked on `pg_dump` must not hold up a cooperative pool.
public enum FleetScheduler {
    /// Runs `work(i)` for targets `0..<count`; `work` returns whether the target succeeded.
    /// - Returns: per target, whether it succeeded, or nil when it was never started (`skipped`).
    /// - Parameter shouldStop: asked before each start (an interrupt: no new target starts).
    public static func run(count: Int, schedule: FleetSchedule, shouldStop: @escaping @Sendable () -> Bool = { false },
                           work: @escaping @Sendable (Int) -> Bool) -> [Bool?] {
        let state = State(count: count, maxFailures: max(1, schedule.maxFailures))
        // The canaries run alone, one after the other; the first failure stops the fleet.
        let canaries = min(max(0, schedule.canary), count)
        for index in 0..<canaries {
            if shouldStop() { return state.outcomes }
            let succeeded = work(index)
            state.record(index, succeeded)
            if !succeeded { return state.outcomes }
        }
        state.next = canaries
        let workers = max(1, min(schedule.parallel, count - canaries))
        guard canaries < count else { return state.outcomes }
        let group = DispatchGroup()
        for _ in 0..<workers {
            group.enter()
            let thread = Thread {
                while let index = state.take(shouldStop: shouldStop) {
                    state.record(index, work(index))
                }
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        return state.outcomes
    }

    /// The shared queue position and tally, behind one lock.
    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        private let maxFailures: Int
        private var failures = 0
        private(set) var outcomes: [Bool?]
        var next = 0

        init(count: Int, maxFailures: Int) {
            outcomes = Array(repeating: nil, count: count)
            self.maxFailures = maxFailures
        }

        /// The next target to start, or nil when none is left or the circuit breaker tripped.
        func take(shouldStop: () -> Bool) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard next < outcomes.count, failures < maxFailures, !shouldStop() else { return nil }
            defer { next += 1 }
            return next
        }

        func record(_ index: Int, _ succeeded: Bool) {
            lock.lock(); defer { lock.unlock() }
            outcomes[index] = succeeded
            if !succeeded { failures += 1 }
        }
    }
}
