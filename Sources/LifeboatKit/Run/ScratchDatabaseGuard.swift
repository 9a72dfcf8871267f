import Dispatch
import Foundation

/// While `plan --rehearse-on copy` has a scratch database, Ctrl-C or SIGTERM drops it before the
/// process ends: the main thread may be inside `pg_dump` or a libpq call, so the drop goes through
/// a connection of its own (`DROP DATABASE … WITH (FORCE)` ends the rehearsal's session). A
/// `kill -9` cannot be caught: `prune` finds that leftover by its name (`ScratchDatabaseName`).
final class ScratchDatabaseGuard: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    /// Held by a handler from its drop to its `exit`: the drop ends the rehearsal's session, and
    /// the main thread, failing on that, must not report the failure and exit first.
    private let exiting = NSLock()
    /// The dispositions before, put back by `stop()` (a fleet's `SIG_IGN` stays a fleet's).
    private var restoreDispositions: [() -> Void] = []

    /// Watches SIGINT and SIGTERM until `stop()`; on either, runs `drop`, says so on stderr and
    /// exits with 128 + the signal's number, as the shell would report the signal.
    init(name: String, drop: @escaping @Sendable () throws -> Void) {
        for number in [SIGINT, SIGTERM] {
            let before = signal(number, SIG_IGN)  // delivered to the dispatch source instead of ending the process
            restoreDispositions.append { _ = signal(number, before) }
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [exiting] in
                exiting.lock()
                let signalName = number == SIGINT ? "SIGINT" : "SIGTERM"
                do {
                    try drop()
                    FileHandle.standardError.write(Data("lifeboat: \(signalName): dropped the scratch database \(name)\n".utf8))
                } catch {
                    FileHandle.standardError.write(Data("lifeboat: \(signalName): could not drop the scratch database \(name) (`lifeboat prune` drops it): \(error)\n".utf8))
                }
                exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Puts the handlers from before back once the scratch database is gone.
    func stop() {
        exiting.lock()  // never returns when a handler is ending the process
        defer { exiting.unlock() }
        for source in sources { source.cancel() }
        sources = []
        for restore in restoreDispositions { restore() }
        restoreDispositions = []
    }
}
