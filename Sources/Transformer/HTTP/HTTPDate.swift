internal import Foundation

/// The `date` header's value (RFC 9110 IMF-fixdate), computed at most once a second per cache.
struct HTTPDate {
    private var second = -1
    private var text = ""

    /// Now, as `Wed, 25 Nov 2026 04:36:37 GMT`.
    mutating func now() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        let current = time.tv_sec
        guard current != second else { return text }
        var parts = tm()
        var seconds = current
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        text =
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
        second = current
        return text
    }
}
