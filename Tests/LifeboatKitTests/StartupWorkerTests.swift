import Foundation
import LifeboatCore
import Testing

/// The thread `main` starts before anything loads a library: it runs its warm-up first, then the
/// one job handed to it, on a thread that is not the caller's.
@Suite struct StartupWorkerTests {
    /// What the worker's closures record, in order.
    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ event: String) { lock.lock(); list.append(event); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return list }
    }

    @Test func runsTheJobAfterTheWarmUpOnItsOwnThread() {
        let events = Events()
        let warmedUp = DispatchSemaphore(value: 0)
        let mayFinishWarmUp = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let worker = StartupWorker {
            warmedUp.signal()
            mayFinishWarmUp.wait()
            events.add("warm-up")
        }
        let caller = pthread_self()
        // Handed over while the warm-up is still running: the job waits for it.
        warmedUp.wait()
        worker.run {
            events.add(pthread_equal(pthread_self(), caller) != 0 ? "job on the caller's thread" : "job")
            done.signal()
        }
        #expect(events.all.isEmpty)
        mayFinishWarmUp.signal()
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(events.all == ["warm-up", "job"])
    }

    @Test func aJobHandedOverAfterTheWarmUpRunsToo() {
        let done = DispatchSemaphore(value: 0)
        let warmedUp = DispatchSemaphore(value: 0)
        let worker = StartupWorker { warmedUp.signal() }
        warmedUp.wait()
        Thread.sleep(forTimeInterval: 0.05)  // the worker is parked, waiting for a job
        worker.run { done.signal() }
        #expect(done.wait(timeout: .now() + 10) == .success)
    }

    /// The work beside the job (readying OpenSSL while libpq connects) runs at the same time as
    /// the job, not before it: here each waits for the other, and would never end in sequence.
    @Test func theWorkAlongsideRunsWhileTheJobRuns() {
        let jobStarted = DispatchSemaphore(value: 0)
        let alongsideStarted = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let events = Events()
        let worker = StartupWorker(warmUp: { events.add("warm-up") }, alongside: {
            alongsideStarted.signal()
            if jobStarted.wait(timeout: .now() + 10) == .success { events.add("alongside saw the job") }
            done.signal()
        })
        worker.run {
            jobStarted.signal()
            if alongsideStarted.wait(timeout: .now() + 10) == .success { events.add("job saw alongside") }
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 20) == .success)
        #expect(done.wait(timeout: .now() + 20) == .success)
        #expect(Set(events.all) == ["warm-up", "alongside saw the job", "job saw alongside"])
        #expect(events.all.first == "warm-up")
    }
}
