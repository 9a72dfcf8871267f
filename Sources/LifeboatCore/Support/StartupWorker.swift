import Foundation

/// One thread started first thing in `main`: it runs a warm-up (loading libpq, readying OpenSSL)
/// while the main thread parses the command line, then waits for a single job — opening the
/// database — which it runs while the main thread reads the migrations folder.
///
/// Why a thread made at start rather than when needed: `dlopen` holds the dynamic loader's lock
/// for the ~5 ms it takes to load libpq and the twenty libraries behind it, and creating a thread
/// waits for that lock (glibc allocates the new thread's TLS under it). Started before the warm-up,
/// this thread exists already when the main thread hands it the connection, so the main thread
/// never waits for the loader and the connection starts the moment libpq is in (README,
/// "Start-up"). A run that never takes the worker (a usage error, a SQLite URL after all) leaves it
/// parked, and exit waits for its warm-up to end; `main` starts it only for commands that open a
/// database whose URL looks like PostgreSQL's.
public final class StartupWorker: @unchecked Sendable {
    private let lock = NSCondition()
    private var job: (@Sendable () -> Void)?
    /// Signalled when the warm-up has returned.
    private let warmedUp = DispatchSemaphore(value: 0)
    private static let slot = NSLock()
    nonisolated(unsafe) private static var started: StartupWorker?
    /// The process's worker, for the exit handler (`start`), whether or not it was taken.
    nonisolated(unsafe) private static var warming: StartupWorker?

    /// A worker whose thread starts now and runs `warmUp` at once; `start` keeps one for `take`.
    public init(warmUp: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            warmUp()
            warmedUp.signal()
            runJob()
        }
        thread.start()
    }

    /// Starts the process's worker (`init(warmUp:)`) for `take`. Call at most once, from `main`.
    ///
    /// A process that exits while the warm-up is still inside `dlopen` or OpenSSL's
    /// initialisation crashed with SIGSEGV about one run in five (`lifeboat status --bad-flag`
    /// with a PostgreSQL `DATABASE_URL`: exit ran the libraries' destructors under the thread). So an exit
    /// handler, registered before the thread starts, waits for the warm-up to return (at most 2 s)
    /// before the libraries are torn down; the warm-up must not register exit handlers of its own
    /// that would run before this one (`LibPQWarmUp` asks OpenSSL for none).
    public static func start(warmUp: @escaping @Sendable () -> Void) {
        atexit {
            StartupWorker.slot.lock()
            let worker = StartupWorker.warming
            StartupWorker.slot.unlock()
            _ = worker?.warmedUp.wait(timeout: .now() + 2)
        }
        let worker = StartupWorker(warmUp: warmUp)
        slot.lock()
        started = worker
        warming = worker
        slot.unlock()
    }

    /// The started worker, once: later calls (and runs that started none) get nil.
    public static func take() -> StartupWorker? {
        slot.lock(); defer { slot.unlock() }
        defer { started = nil }
        return started
    }

    /// Runs `job` on the worker, after its warm-up; returns at once.
    public func run(_ job: @escaping @Sendable () -> Void) {
        lock.lock()
        self.job = job
        lock.signal()
        lock.unlock()
    }

    private func runJob() {
        lock.lock()
        while job == nil { lock.wait() }
        let job = self.job!
        lock.unlock()
        job()
    }
}
