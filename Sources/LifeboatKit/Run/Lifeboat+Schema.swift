import Foundation

extension Lifeboat {
    /// Writes the normalised schema of `engine` to `path` (creating its folder).
    func writeSchema(of engine: DatabaseEngine, to path: String) throws {
        let text = try engine.schema(excluding: configuration.historyTable)
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw ConfigurationError.badOption(flag: "--dump-schema", value: path, reason: "cannot write it: \(error.localizedDescription)")
        }
    }
}
