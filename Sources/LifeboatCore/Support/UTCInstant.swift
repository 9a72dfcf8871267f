import Foundation

/// A UTC instant to the millisecond, with the two spellings snapshots use: compact in ids
/// (`20261121T093000123Z`) and ISO-8601 in manifests (`2026-11-21T09:30:00.123Z`).
///
/// Whole milliseconds, not `Date`, so that an id, its `created_at` and a parsed copy of either are
/// exactly the same instant (no floating-point drift), and formatting needs no shared formatter.
package struct UTCInstant: Hashable, Comparable, Sendable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    package var milliseconds: Int64

    package init(milliseconds: Int64) { self.milliseconds = milliseconds }

    package init(_ date: Date) {
        // Nearest, not down: `Double(ms) / 1000` may land a hair below the millisecond it came from.
        milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    package var date: Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    package static func < (lhs: UTCInstant, rhs: UTCInstant) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// `YYYYMMDDTHHMMSSsssZ`
    package var compact: String {
        let (t, ms) = fields
        return pad(t.year, 4) + pad(t.month, 2) + pad(t.day, 2) + "T"
            + pad(t.hour, 2) + pad(t.minute, 2) + pad(t.second, 2) + pad(ms, 3) + "Z"
    }

    /// `YYYY-MM-DDTHH:MM:SS.sssZ`
    package var iso8601: String {
        let (t, ms) = fields
        return pad(t.year, 4) + "-" + pad(t.month, 2) + "-" + pad(t.day, 2) + "T"
            + pad(t.hour, 2) + ":" + pad(t.minute, 2) + ":" + pad(t.second, 2) + "." + pad(ms, 3) + "Z"
    }

    /// Parses the compact form.
    package init?(compact text: String) {
        let d = Array(text.utf8)
        guard d.count == 19, d[8] == UInt8(ascii: "T"), d[18] == UInt8(ascii: "Z") else { return nil }
        guard let year = Self.number(d[0..<4]), let month = Self.number(d[4..<6]), let day = Self.number(d[6..<8]),
              let hour = Self.number(d[9..<11]), let minute = Self.number(d[11..<13]),
              let second = Self.number(d[13..<15]), let ms = Self.number(d[15..<18]) else { return nil }
        self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second, ms: ms)
    }

    /// Parses the ISO-8601 form written by `iso8601` (milliseconds optional).
    package init?(iso8601 text: String) {
        let d = Array(text.utf8)
        guard d.count == 20 || d.count == 24, d.last == UInt8(ascii: "Z"), d[4] == UInt8(ascii: "-"),
              d[7] == UInt8(ascii: "-"), d[10] == UInt8(ascii: "T"), d[13] == UInt8(ascii: ":"),
              d[16] == UInt8(ascii: ":") else { return nil }
        guard let year = Self.number(d[0..<4]), let month = Self.number(d[5..<7]), let day = Self.number(d[8..<10]),
              let hour = Self.number(d[11..<13]), let minute = Self.number(d[14..<16]),
              let second = Self.number(d[17..<19]) else { return nil }
        var ms = 0
        if d.count == 24 {
            guard d[19] == UInt8(ascii: "."), let parsed = Self.number(d[20..<23]) else { return nil }
            ms = parsed
        }
        self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second, ms: ms)
    }

    private init?(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, ms: Int) {
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var t = tm()
        t.tm_year = Int32(year - 1900)
        t.tm_mon = Int32(month - 1)
        t.tm_mday = Int32(day)
        t.tm_hour = Int32(hour)
        t.tm_min = Int32(minute)
        t.tm_sec = Int32(second)
        let seconds = timegm(&t)
        milliseconds = Int64(seconds) * 1000 + Int64(ms)
    }

    private var fields: (tm: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int), ms: Int) {
        var seconds = time_t(milliseconds.floorDiv(1000))
        var t = tm()
        gmtime_r(&seconds, &t)
        return ((Int(t.tm_year) + 1900, Int(t.tm_mon) + 1, Int(t.tm_mday), Int(t.tm_hour), Int(t.tm_min), Int(t.tm_sec)),
                Int(milliseconds - milliseconds.floorDiv(1000) * 1000))
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

private extension Int64 {
    func floorDiv(_ divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}
