internal import GRPCCore
internal import NIOCore

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#endif

/// A server could not listen on its address: the port is taken, the address is not local, or binding it is not
/// permitted. Its description is the line KServe's servers log before exiting with ``exitStatus`` (uvicorn's for
/// REST, gRPC's for gRPC).
public struct BindError: Error, Sendable, CustomStringConvertible {
    /// Which of the two servers failed.
    public enum Server: Sendable {
        /// The REST server (`--http_port`).
        case http
        /// The gRPC server (`--grpc_port`).
        case grpc
    }

    /// The server that could not bind.
    public var server: Server
    /// The address it was given (`--bind_address`).
    public var host: String
    /// The port it was given.
    public var port: Int
    /// The `errno` of the failed call, when the system reported one.
    public var errnoCode: Int32?
    /// What went wrong, when there is no `errno` (or as the system described it).
    public var reason: String

    /// A bind failure of `server` on `host:port`.
    public init(server: Server, host: String, port: Int, errnoCode: Int32?, reason: String) {
        self.server = server
        self.host = host
        self.port = port
        self.errnoCode = errnoCode
        self.reason = reason
    }

    /// The `errno` of the failed system call: NIO's `IOError`, as itself or as the cause of gRPC's `RuntimeError`.
    static func errnoCode(underneath error: any Error) -> Int32? {
        var next: (any Error)? = error
        while let current = next {
            if let io = current as? IOError { return io.errnoCode }
            next = (current as? RuntimeError)?.cause
        }
        return nil
    }

    /// The status the Python server exits with for this failure: uvicorn's `STARTUP_FAILURE` (3) for REST, 1 for
    /// gRPC (an uncaught `RuntimeError`).
    public var exitStatus: Int32 {
        switch server {
        case .http: 3
        case .grpc: 1
        }
    }

    /// The system's text for `errnoCode` in lower case (as uvicorn prints it), else ``reason``.
    var explanation: String {
        guard let errnoCode, let text = strerror(errnoCode) else { return reason }
        return String(cString: text).lowercased()
    }

    /// The line KServe logs: uvicorn's for REST (`[Errno 98] error while attempting to bind on address
    /// ('127.0.0.1', 8080): address already in use`), gRPC's for gRPC.
    public var description: String {
        switch server {
        case .http:
            let code = errnoCode.map { "[Errno \($0)] " } ?? ""
            return "\(code)error while attempting to bind on address ('\(host)', \(port)): \(explanation)"
        case .grpc:
            return "Failed to bind to address \(host):\(port): \(explanation)"
        }
    }
}
