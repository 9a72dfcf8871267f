import Foundation

/// What `lifeboat wait` saw.
public struct WaitReport: Encodable, Sendable {
    /// The target, password redacted.
    public var database: String
    public var engine: String
    /// Connection attempts made, the successful one included.
    public var attempts: Int
    /// Seconds from the first attempt to the successful one.
    public var waited: Double

    static func format(_ seconds: Double) -> String { String(format: "%.1f", seconds) }
}

extension Lifeboat {
    /// `lifeboat wait`: tries to connect until the target's server accepts, or `timeout` passes
    /// (SPEC v2). Replaces scripts that retry and match error text. SQLite returns at once.
    /// - Parameters:
    ///   - timeout: seconds to keep trying (0: one attempt).
    ///   - interval: pause between attempts.
    /// - Throws: `ProvisioningError.timedOut` (exit 2) carrying the last connection error.
    public func wait(timeout: Double, interval: Double = 0.25) throws -> WaitReport {
        let url = configuration.databaseURL
        let provisioning = try provisioning()
        let started = Date()
        var attempts = 0
        while true {
            attempts += 1
            do {
                try provisioning.ping(url, options: configuration.engineOptions)
                return WaitReport(database: url.redacted, engine: url.engine.rawValue, attempts: attempts,
                                  waited: Date().timeIntervalSince(started))
            } catch {
                let elapsed = Date().timeIntervalSince(started)
                let message = (error as? LifeboatError)?.description ?? String(describing: error)
                logger.debug("attempt \(attempts): \(message)")
                // The last attempt falls at the timeout itself, so a server that comes up just
                // in time is seen, and giving up never comes before `timeout` seconds.
                guard elapsed < timeout else {
                    throw ProvisioningError.timedOut(database: url.redacted, seconds: timeout, lastError: message)
                }
                Thread.sleep(forTimeInterval: min(interval, timeout - elapsed))
            }
        }
    }
}
