import Foundation

/// One thread started first thing in `main`: it runs a warm-up (loading libpq) while the main
/// thread parses the command line, starts a second thread for the work that may go on beside the
/// job (readying OpenSSL), then waits for a single job — opening the database — which it runs
/// while the main thread reads the migrations folder.
///
/// Why a thread made at start rather than when needed: `dlopen` holds the dynamic loader's lock
/// for the ~5 ms it takes to load libpq and the twenty libraries behind it, and creating a thread
/// waits for that lock (glibc allocates the new thread's TLS under it). Started before the warm-up,
/// this thread exists already when the main thread hands it the connection, so the main thread
/// never waits for the loader and the connection starts the moment libpq is in (README,
/// "Start-up"). A run that never takes the worker (a usage error, a SQLite URL after all) leaves it
/// parked, and exit waits for its warm-up to end; `main` starts it only for commands that open a
/// database whose URL looks like PostgreSQL's.
///
/// POSIX threads, not Foundation's `Thread`: the first `Thread` of a process sets up Foundation's
/// thread bookkeeping before its closure runs, and the warm-up is on the critical path of every
/// PostgreSQL command (README, "Start-up").
public final class StartupWorker: @unchecked Sendable {
    private let lock = NSCondition()
    private var job: (@Sendable () -> Void)?
    /// Signalled when the warm-up has returned.
    private let warmedUp = DispatchSemaphore(value: 0)
    /// Signalled when the work beside the job has returned (at once when there is none).
    private let settled = DispatchSemaphore(value: 0)
    private static let slot = NSLock()
    nonisolated(unsafe) private static var started: StartupWorker?
    /// The process's worker, for the exit handler (`start`), whether or not it was taken.
    nonisolated(unsafe) private static var warming: StartupWorker?

    /// A worker whose thread starts now and runs `warmUp` at once, then `alongside` on a thread of
    /// its own (created after the warm-up, when the loader's lock is free) while it takes the job;
    /// `start` keeps one for `take`.
    public init(warmUp: @escaping @Sendable () -> Void, alongside: (@Sendable () -> Void)? = nil) {
        Self.spawn { [self] in
            warmUp()
            if let alongside {
                Self.spawn { [self] in
                    alongside()
                    settled.signal()
                }
            } else {
                settled.signal()
            }
            warmedUp.signal()
            runJob()
        }
    }

    /// Starts the process's worker (`init(warmUp:alongside:)`) for `take`. Call at most once, from `main`.
    ///
    /// A process that exits while the warm-up is still inside `dlopen` or OpenSSL's
    /// initialisation crashed with SIGSEGV about one run in five (`lifeboat status --bad-flag`
    /// with a PostgreSQL `DATABASE_URL`: exit ran the libraries' destructors under the thread). So an exit
    /// handler, registered before the thread starts, waits for the warm-up and the work beside the
    /// job to return (at most 2 s each) before the libraries are torn down; neither may register
    /// exit handlers of its own that would run before this one (`LibPQWarmUp` asks OpenSSL for none).
    public static func start(warmUp: @escaping @Sendable () -> Void, alongside: (@Sendable () -> Void)? = nil) {
        atexit {
            StartupWorker.slot.lock()
            let worker = StartupWorker.warming
            StartupWorker.slot.unlock()
            guard let worker, worker.warmedUp.wait(timeout: .now() + 2) == .success else { return }
            _ = worker.settled.wait(timeout: .now() + 2)
        }
        let worker = StartupWorker(warmUp: warmUp, alongside: alongside)
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

    /// Runs `body` on a new, detached POSIX thread.
    private static func spawn(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        #if canImport(Darwin)
        var thread: pthread_t?
        #else
        var thread = pthread_t()
        #endif
        let result = pthread_create(&thread, &attributes, { context in
            #if canImport(Darwin)
            let context: UnsafeMutableRawPointer? = context
            #endif
            Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, context)
        if result != 0 {
            // Not to be had this way: Foundation's thread, slower to start but the same effect.
            let body = Unmanaged<ThreadBody>.fromOpaque(context).takeRetainedValue().body
            Thread { body() }.start()
        }
    }

    private final class ThreadBody {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
