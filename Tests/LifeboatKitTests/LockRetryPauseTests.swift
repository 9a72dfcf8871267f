@testable import LifeboatKit
import Testing

/// The pause before each lock retry: 200 ms × 2^(k-1), jittered ± 50 %, never above 5 s.
@Suite struct LockRetryPauseTests {
    @Test("the pause doubles with each retry")
    func grows() {
        let pauses = (1...5).map { LockRetry.pause(beforeRetry: $0, jitter: 1.0) }
        #expect(pauses == [.milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1_600), .milliseconds(3_200)])
    }

    @Test("the jitter stays within ± 50 % and the pause within 5 s")
    func jitteredAndCapped() {
        for attempt in 1...12 {
            for _ in 0..<20 {
                let pause = LockRetry.pause(beforeRetry: attempt)
                let base = min(200.0 * Double(1 << (attempt - 1)), 5_000)
                let ms = Double(pause.milliseconds)
                #expect(ms >= (base * 0.5).rounded(.down) - 1 && ms <= min(base * 1.5, 5_000))
            }
        }
        #expect(LockRetry.pause(beforeRetry: 40, jitter: 1.5) == .milliseconds(5_000))
    }
}
