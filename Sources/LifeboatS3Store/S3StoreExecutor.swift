import Dispatch
import Foundation

/// Runs the S3 store's async work off Swift's cooperative thread pool, so the synchronous
/// `SnapshotStore` methods can wait for it.
///
/// Why: the store protocol is synchronous (engines produce and consume bytes on the calling
/// thread) while the S3 client is async. Waiting on a semaphore for a task on the cooperative pool
/// deadlocks when the waiting threads are that pool's (it has one thread per core — two here — and
/// Swift Testing calls synchronous tests on it). A task executor on a Dispatch queue has threads
/// of its own; every job of the task (and of its child tasks, and the part uploads the multipart
/// writer starts with this executor) runs there.
public final class S3StoreExecutor: TaskExecutor, @unchecked Sendable {
    public static let shared = S3StoreExecutor()
    private let queue = DispatchQueue(label: "lifeboat.s3-store", attributes: .concurrent)

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// Runs `body` on this executor and blocks the calling thread until it is done (also for
    /// tests that must not wait on a cooperative pool other tests keep busy).
    public static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task(executorPreference: shared) {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}

/// Carries a result from the executor's task to the waiting thread; the semaphore orders the
/// write before the read, so no lock is needed.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}
