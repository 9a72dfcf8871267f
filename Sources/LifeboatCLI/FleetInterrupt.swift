import Dispatch
import Foundation

/// Ctrl-C or SIGTERM during a fleet: no new target starts, the running ones finish (or restore),
/// and the report says which ended how — the not-started ones are `skipped`. Without this, a signal
/// would kill the process mid-target and leave the rest of the fleet unreported.
final class FleetInterrupt: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    private var sources: [DispatchSourceSignal] = []

    init() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)  // delivered to the dispatch source instead of ending the process
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.request(number) }
            source.resume()
            sources.append(source)
        }
    }

    var requested: Bool {
        lock.lock(); defer { lock.unlock() }
        return flag
    }

    private func request(_ number: Int32) {
        lock.lock()
        let first = !flag
        flag = true
        lock.unlock()
        if first {
            let name = number == SIGINT ? "SIGINT" : "SIGTERM"
            FileHandle.standardError.write(Data("lifeboat: \(name): no new target starts; waiting for the running ones to finish\n".utf8))
        }
    }

    /// Puts the default handlers back once the fleet is done.
    func stopWatching() {
        for source in sources { source.cancel() }
        sources = []
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
