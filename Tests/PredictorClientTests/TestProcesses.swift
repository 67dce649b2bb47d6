import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A child process a test starts and stops by its PID. `@unchecked Sendable`: its state is set once in `init`, and
/// `Process` and `Pipe` are safe to use from any thread afterwards.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()
    /// Held open for the life of the test process: a child that watches its standard input ends with it.
    private let input = Pipe()

    /// Starts `executable` with `arguments`; its standard output is read by ``readLine()``.
    init(_ executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        process.standardInput = input
        process.standardError = FileHandle.standardError
        try process.run()
    }

    /// The first line the process prints.
    func readLine() -> String {
        var bytes: [UInt8] = []
        while true {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            bytes += chunk
            if bytes.contains(UInt8(ascii: "\n")) { break }
        }
        return String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }

    /// Kills the process by its PID and waits for it to exit. SIGKILL, because a child spawned from a thread of the
    /// concurrency pool inherits that thread's signal mask, in which SIGTERM may be blocked.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// `Tests/PredictorClientTests/test_server.py` on a port of its own; see the script for what it answers.
final class TestServer: Sendable {
    let child: ChildProcess
    let port: Int

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("test_server.py").path
        child = try ChildProcess("/usr/bin/env", ["python3", script, "0"])
        let line = child.readLine()
        guard let port = Int(line) else {
            child.stop()
            throw TestFailure("test_server.py printed \"\(line)\" instead of its port")
        }
        self.port = port
    }

    /// `http://127.0.0.1:<port><path>`.
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() { child.stop() }
}

/// Runs `body` with a fresh ``TestServer`` and stops it afterwards.
func withTestServer<T>(_ body: (TestServer) async throws -> T) async throws -> T {
    let server = try TestServer()
    defer { server.stop() }
    return try await body(server)
}

/// nginx in the foreground (`master_process off`, one process) on a free port, with a configuration written under
/// `/tmp`, answering every request with `return 200 '<body>'`.
final class NginxServer: Sendable {
    let child: ChildProcess
    let port: Int
    let directory: String

    /// Whether nginx is installed.
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: path) }
    static let path = "/usr/sbin/nginx"

    /// - Parameters:
    ///   - body: The body of every response, in nginx syntax (variables such as `$server_protocol` allowed).
    ///   - http2: Listen for HTTP/2 with prior knowledge (h2c) instead of HTTP/1.1.
    ///   - cpu: A CPU to pin nginx to with `taskset`, or `nil`.
    init(body: String, http2: Bool = false, cpu: Int? = nil) throws {
        port = try freePort()
        directory = "/tmp/swift-kserve-nginx-\(getpid())-\(port)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = """
            daemon off;
            master_process off;
            worker_processes 1;
            error_log \(directory)/error.log warn;
            pid \(directory)/nginx.pid;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path \(directory)/body;
                proxy_temp_path \(directory)/proxy;
                fastcgi_temp_path \(directory)/fastcgi;
                uwsgi_temp_path \(directory)/uwsgi;
                scgi_temp_path \(directory)/scgi;
                keepalive_requests 10000000;
                keepalive_timeout 120s;
                client_body_buffer_size 64k;
                server {
                    listen 127.0.0.1:\(port)\(http2 ? " http2" : "");
                    location / { default_type text/plain; return 200 '\(body)'; }
                }
            }
            """
        try config.write(toFile: "\(directory)/nginx.conf", atomically: true, encoding: .utf8)
        let arguments = ["-p", directory, "-c", "\(directory)/nginx.conf"]
        if let cpu {
            child = try ChildProcess("/usr/bin/taskset", ["-c", "\(cpu)", Self.path] + arguments)
        } else {
            child = try ChildProcess(Self.path, arguments)
        }
        try waitUntilListening(port: port)
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() {
        child.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now (bound to port 0, read, closed).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket() failed") }
    defer { close(fd) }
    var address = loopback(port: 0)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw TestFailure("bind() failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Waits up to 5 s until something accepts connections on `port`.
func waitUntilListening(port: Int) throws {
    for _ in 0..<500 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        close(fd)
        if connected == 0 { return }
        usleep(10_000)
    }
    throw TestFailure("nothing listens on port \(port)")
}

private func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    return address
}
