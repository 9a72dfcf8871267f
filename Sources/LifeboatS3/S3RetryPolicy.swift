import Foundation

/// How often and how patiently a request is tried again. Only transient failures are retried
/// (`S3Error.isTransient`: timeouts and lost connections, HTTP 5xx, throttling such as `SlowDown`);
/// a refused signature or a missing bucket fails at once. The pause grows exponentially with
/// "full jitter" (a random pause up to the cap), so parallel part uploads do not retry in step.
public struct S3RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The cap of the first pause; doubled after each failure.
    public var baseDelay: Duration
    /// No pause is longer than this.
    public var maxDelay: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(10)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    public static let `default` = S3RetryPolicy()

    /// The pause before attempt `attempt + 1` (attempt counts from 1).
    func delay(afterAttempt attempt: Int) -> Duration {
        let cap = min(maxDelay, baseDelay * (1 << min(attempt - 1, 20)))
        let millis = cap.components.seconds * 1000 + cap.components.attoseconds / 1_000_000_000_000_000
        return .milliseconds(Int64.random(in: (millis / 2)...max(millis / 2, millis)))
    }
}
