import Foundation
import Logging

/// Logs as `lifeboat: message` lines on stderr, so stdout stays the command's output alone.
struct StderrLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let prefix = event.level >= .warning ? "lifeboat: \(event.level): " : "lifeboat: "
        FileHandle.standardError.write(Data((prefix + event.message.description + "\n").utf8))
    }
}
