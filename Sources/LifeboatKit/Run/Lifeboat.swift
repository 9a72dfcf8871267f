import Foundation
import Logging

/// The orchestrator: what each command does, in engine-neutral terms.
///
/// All policy lives here — when to lock, when to snapshot, when to refuse, when to restore — and
/// engines only carry it out. The CLI is a thin layer over these methods; an application can call
/// them directly to migrate itself at start-up:
///
/// ```swift
/// let lifeboat = try Lifeboat(configuration: Configuration(databaseURL: "sqlite:app.sqlite"),
///                             engines: StandardEngines())
/// let report = try lifeboat.migrate()
/// ```
public struct Lifeboat: Sendable {
    public let configuration: Configuration
    public let engines: DatabaseEngineFactory
    public let logger: Logger
    /// Called while a snapshot or restore streams (for progress bars): bytes done / total, then
    /// once with `finished` set.
    public var progress: (@Sendable (ProgressUpdate) -> Void)?

    public init(configuration: Configuration, engines: DatabaseEngineFactory,
                logger: Logger = Logger(label: "lifeboat")) {
        self.configuration = configuration
        self.engines = engines
        self.logger = logger
    }

    /// Opens the target database; a connection failure is a usage error (exit 2).
    /// - Parameter creating: whether this command may make a new SQLite file (SPEC: only
    ///   `migrate`, `create` and `restore` may). Every other command on a mistyped path would
    ///   otherwise create an empty database and report it as "version none, all pending".
    /// - Throws: `ConfigurationError.databaseFileMissing` (exit 2), before anything is created,
    ///   when the SQLite file does not exist and `creating` is false.
    func openEngine(creating: Bool = false) throws -> DatabaseEngine {
        if !creating { try requireExistingDatabase() }
        return try engines.open(configuration.databaseURL, options: configuration.engineOptions)
    }

    /// Refuses a SQLite target whose file does not exist (a server database needs no check here:
    /// connecting to a missing one fails on its own).
    /// - Throws: `ConfigurationError.databaseFileMissing` (exit 2).
    func requireExistingDatabase() throws {
        let url = configuration.databaseURL
        guard url.engine == .sqlite, let path = url.path, !FileManager.default.fileExists(atPath: path) else { return }
        throw ConfigurationError.databaseFileMissing(path)
    }

    /// Reads the migrations folder; a missing folder is a usage error (exit 2).
    func loadCatalog() throws -> MigrationCatalog {
        try MigrationCatalog.load(from: configuration.migrationsDirectory)
    }

    /// Reads the migrations folder and opens the target. For a database server the two run at
    /// once — a connection (process start-up on the server, authentication) takes about as long
    /// as reading a large folder. A database file is opened alongside only when it already
    /// exists: one that does not is opened after the folder proved valid, so a bad folder never
    /// creates an empty file.
    /// - Throws: the catalog's error first (exit 3, or 2 for a missing folder), then the engine's.
    /// - Parameter creating: whether a missing SQLite file may be created (`migrate` only).
    func openWithCatalog(creating: Bool = false) throws -> (MigrationCatalog, DatabaseEngine) {
        let (catalog, engine, _) = try openWithCatalog(creating: creating) { _ in () }
        return (catalog, engine)
    }

    /// `openWithCatalog()`, and `prepare` run on the opened engine while the folder is still being
    /// read (read-only work such as reading the history, which on SQLite means parsing the schema).
    /// `meanwhile` runs on the calling thread while the other work is under way (it must not need
    /// the engine): `status` lists the snapshot store there while the connection is made.
    /// - Throws: the catalog's error first, then the engine's or `prepare`'s.
    func openWithCatalog<T>(creating: Bool = false,
                            prepare: @escaping (DatabaseEngine) throws -> T,
                            meanwhile: () -> Void = {}) throws -> (MigrationCatalog, DatabaseEngine, T) {
        let url = configuration.databaseURL
        let existingFile = url.path.map { FileManager.default.fileExists(atPath: $0) } ?? false
        guard url.engine == .postgres || existingFile else {
            meanwhile()
            let catalog = try loadCatalog()
            let engine = try openEngine(creating: creating)
            do {
                return (catalog, engine, try prepare(engine))
            } catch {
                engine.close()
                throw error
            }
        }
        if url.engine == .postgres, let worker = StartupWorker.take() {
            return try openWithCatalog(on: worker, prepare: prepare, meanwhile: meanwhile)
        }
        let loaded = CatalogLoad()
        let done = DispatchSemaphore(value: 0)
        // A thread of its own, created before the engine opens. A dispatch worker grew its pool
        // with pthread_create, which waits for the loader lock that dlopen of libpq holds: the
        // folder was read only after libpq had loaded, instead of meanwhile (README, "Start-up").
        let reader = Thread { [self] in
            loaded.result = Result { try loadCatalog() }
            done.signal()
        }
        reader.start()
        let engine = Result { try openEngine() }
        let prepared = Result { try prepare(engine.get()) }
        meanwhile()
        done.wait()
        do {
            let catalog = try loaded.result!.get()
            return (catalog, try engine.get(), try prepared.get())
        } catch {
            if case .success(let opened) = engine { opened.close() }
            throw error
        }
    }

    /// `openWithCatalog` with the roles swapped: the database is opened (and `prepare` run) on the
    /// `StartupWorker`, which has loaded libpq meanwhile, while this thread reads the folder. No
    /// thread is created here, so nothing waits for the dynamic loader's lock.
    private func openWithCatalog<T>(on worker: StartupWorker, prepare: @escaping (DatabaseEngine) throws -> T,
                                    meanwhile: () -> Void) throws -> (MigrationCatalog, DatabaseEngine, T) {
        let opened = EngineOpening<T>()
        let done = DispatchSemaphore(value: 0)
        let prepareBox = UncheckedBox(prepare)
        worker.run { [self] in
            let engine = Result { try openEngine() }
            opened.engine = engine
            opened.prepared = Result { try prepareBox.value(engine.get()) }
            done.signal()
        }
        let catalog = Result { try loadCatalog() }
        meanwhile()
        done.wait()
        do {
            return (try catalog.get(), try opened.engine!.get(), try opened.prepared!.get())
        } catch {
            if case .success(let engine)? = opened.engine { engine.close() }
            throw error
        }
    }

    /// Runs `body` while holding the run lock, polling until `--lock-timeout`. Every writing
    /// command runs under it, so it first removes the leftovers of dead runs (`tidyBackupsFolder`);
    /// `prune`, which removes and reports them itself, passes `tidy: false`.
    /// - Throws: `RunError.lockTimeout` (exit 4) naming the holder when the engine can tell.
    func withLock<T>(_ engine: DatabaseEngine, tidy: Bool = true, _ body: () throws -> T) throws -> T {
        let key = configuration.historyTable.name
        let deadline = ContinuousClock.now + .milliseconds(Int(configuration.lockTimeout * 1000))
        var announced = false
        while true {
            switch try engine.tryLock(key: key) {
            case .acquired:
                defer { try? engine.unlock() }
                tidyBackupsFolder(removeLeftovers: tidy)
                return try body()
            case .busy(let holder):
                guard ContinuousClock.now < deadline else {
                    throw RunError.lockTimeout(seconds: configuration.lockTimeout, holder: holder)
                }
                if !announced {
                    logger.info("waiting for the lock held by \(holder ?? "another run") (up to \(RunError.format(configuration.lockTimeout)) s)")
                    announced = true
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }
}

/// The catalog read on another thread while the connection opens; handed over through the
/// `DispatchGroup` that `openWithCatalog` waits on.
private final class CatalogLoad: @unchecked Sendable {
    var result: Result<MigrationCatalog, Error>?
}

/// What `openWithCatalog(on:)`'s worker produced; written before the semaphore is signalled and
/// read after it is waited for.
private final class EngineOpening<T>: @unchecked Sendable {
    var engine: Result<DatabaseEngine, Error>?
    var prepared: Result<T, Error>?
}

/// `prepare`, handed to the worker thread; the caller waits until the worker is done with it.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
