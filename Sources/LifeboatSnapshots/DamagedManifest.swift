import LifeboatCore
/// A manifest file in the backups folder that cannot be used: not JSON, a field missing or of the
/// wrong type, another id than its file name, or its payload gone.
///
/// Listed by `snapshots` (SPEC: never skipped in silence) so that a person sees a backup they
/// thought they had is unusable, and why.
public struct DamagedManifest: Sendable, Equatable, Encodable {
    /// The manifest's path.
    public let file: String
    /// Why it cannot be used, in words (not a decoder's dump).
    public let reason: String
    /// The snapshot id its file name carries, for ordering against complete snapshots.
    public let id: String

    public init(file: String, reason: String, id: String) {
        self.file = file
        self.reason = reason
        self.id = id
    }

    enum CodingKeys: String, CodingKey { case file, reason }
}
