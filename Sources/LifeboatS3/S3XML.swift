import Foundation

/// A small reader for the flat XML documents S3 answers with (errors, listings, multipart
/// results): elements by name, their text with the five XML entities decoded. Enough for S3's
/// documents, which have no attributes we need, no CDATA and no mixed content; it avoids
/// FoundationXML and its libxml2 dependency on Linux.
struct S3XML {
    let text: String

    init(_ data: Data) {
        text = String(decoding: data, as: UTF8.self)
    }

    init(text: String) {
        self.text = text
    }

    /// The inner text of every `<name>…</name>` (or `<name attr…>`), in order.
    func all(_ name: String) -> [String] {
        var results: [String] = []
        var rest = text[...]
        let close = "</\(name)>"
        while let open = rest.range(of: "<\(name)") {
            let after = rest[open.upperBound...]
            guard let first = after.first else { break }
            if first == "/" && after.dropFirst().first == ">" {
                results.append("")
                rest = after.dropFirst(2)
                continue
            }
            guard first == ">" || first == " " else { rest = after; continue }
            guard let tagEnd = after.firstIndex(of: ">"), let end = after[tagEnd...].range(of: close) else { break }
            results.append(String(after[after.index(after: tagEnd)..<end.lowerBound]))
            rest = after[end.upperBound...]
        }
        return results
    }

    /// The decoded text of the first `<name>`.
    func first(_ name: String) -> String? {
        all(name).first.map(Self.decode)
    }

    /// Each `<name>` block as a reader of its own (for `<Contents>`, `<Upload>`, `<Error>`).
    func blocks(_ name: String) -> [S3XML] {
        all(name).map { S3XML(text: $0) }
    }

    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text
            .replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Escapes text for an element body (keys in DeleteObjects, ETags in CompleteMultipartUpload).
    static func escape(_ text: String) -> String {
        text
            .replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
