internal import Foundation
public import Logging

/// Writes log lines in KServe's format to standard error:
/// `2026-11-25 01:42:10.123 4242 kserve INFO [file:function():line] message` (`kserve.trace` lines omit the
/// source location, as KServe's trace formatter does).
public struct KServeLogHandler: LogHandler {
    /// Metadata attached to every message of this logger.
    public var metadata: Logger.Metadata = [:]
    /// The minimum level written.
    public var logLevel: Logger.Level
    private let label: String

    /// A handler for `label` at `level`.
    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    /// The metadata value for `key`.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line, with one `write(2)` to standard error.
    public func log(event: LogEvent) {
        var line: [UInt8] = []
        line.reserveCapacity(160)
        Self.appendTimestamp(to: &line)
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: Self.processIdentifier.utf8)
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: label.utf8)
        line.append(UInt8(ascii: " "))
        if label == "kserve.trace" {
            line.append(contentsOf: event.message.description.utf8)
        } else {
            let file = event.file.utf8.lastIndex(of: UInt8(ascii: "/")).map { event.file[event.file.index(after: $0)...] } ?? event.file[...]
            line.append(contentsOf: Self.levelName(event.level).utf8)
            line.append(contentsOf: " [".utf8)
            line.append(contentsOf: file.utf8)
            line.append(UInt8(ascii: ":"))
            line.append(contentsOf: event.function.utf8)
            line.append(UInt8(ascii: ":"))
            line.append(contentsOf: String(event.line).utf8)
            line.append(contentsOf: "] ".utf8)
            line.append(contentsOf: event.message.description.utf8)
        }
        if !metadata.isEmpty || !(event.metadata?.isEmpty ?? true) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            line.append(UInt8(ascii: " "))
            line.append(contentsOf: merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ").utf8)
        }
        line.append(UInt8(ascii: "\n"))
        line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 {
                    if written < 0 && errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    private static let processIdentifier = String(getpid())

    /// Appends `2026-11-25 01:42:10.123` (UTC).
    static func appendTimestamp(to line: inout [UInt8]) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ count: Int) {
            var divisor: Int32 = 1
            for _ in 1..<count { divisor *= 10 }
            var value = value
            while divisor > 0 {
                line.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                value %= divisor
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4)
        line.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2)
        line.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2)
        line.append(UInt8(ascii: " "))
        digits(parts.tm_hour, 2)
        line.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2)
        line.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2)
        line.append(UInt8(ascii: "."))
        digits(Int32(now.tv_nsec / 1_000_000), 3)
    }

    /// The Python level name of a swift-log level.
    static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "DEBUG"
        case .info, .notice: "INFO"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }

    /// The swift-log level of a Python level name (`KSERVE_LOGLEVEL`), INFO when unknown.
    static func level(named name: String) -> Logger.Level {
        switch name.uppercased() {
        case "DEBUG", "NOTSET": .debug
        case "WARNING", "WARN": .warning
        case "ERROR": .error
        case "CRITICAL", "FATAL": .critical
        default: .info
        }
    }
}
