/// An optional report field whose key JSON always shows, `null` when there is no value: the SPEC's
/// report shapes have every key present. Synthesized `Codable` leaves a nil optional out, so the
/// reports mark such fields `@JSONNull` instead of each writing its own `encode(to:)`.
@propertyWrapper
public struct JSONNull<Value: Codable>: Codable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension JSONNull: Sendable where Value: Sendable {}
extension JSONNull: Equatable where Value: Equatable {}

extension KeyedDecodingContainer {
    /// A `@JSONNull` field whose key is absent (an older report) reads as nil, like an optional.
    public func decode<Value>(_ type: JSONNull<Value>.Type, forKey key: Key) throws -> JSONNull<Value> {
        try decodeIfPresent(type, forKey: key) ?? JSONNull(wrappedValue: nil)
    }
}
