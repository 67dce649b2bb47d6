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

    /// Writes one line.
    public func log(event: LogEvent) {
        let now = Date()
        let seconds = Int(now.timeIntervalSince1970)
        let milliseconds = Int((now.timeIntervalSince1970 - Double(seconds)) * 1000)
        var line = Self.timestamp(seconds) + "." + String(format: "%03d", milliseconds) + " \(ProcessInfo.processInfo.processIdentifier) \(label) "
        if label == "kserve.trace" {
            line += "\(event.message)"
        } else {
            let file = event.file.split(separator: "/").last.map(String.init) ?? event.file
            line += "\(Self.levelName(event.level)) [\(file):\(event.function):\(event.line)] \(event.message)"
        }
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if !merged.isEmpty { line += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
        FileHandle.standardError.write(Data((line + "\n").utf8))
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

    private static func timestamp(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
