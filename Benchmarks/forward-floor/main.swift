// forward-floor: the cheapest transformer this design allows, as a measuring stick for scripts/bench (system (e)).
// Not a product and not a KServe server: it answers every POST by sending its body, byte for byte, to
// http://PREDICTOR_HOST with the same path through PredictorClient's libcurl HTTPClient, and answering with the
// predictor's body. No routing, no JSON, no call chain, no metrics, no logs. SwiftNIO in (one event loop per core,
// the request's task on the connection's loop, the answer written as bytes), libcurl out (one thread per core), as
// in identity-transformer. What separates identity-transformer from this is its own work; what separates this from
// an nginx proxy is the design.
//
//   forward-floor --http_port PORT --predictor_host HOST:PORT [--bind_address ADDRESS] [--workers N]
//
// Forwards `content-type` and `inference-header-content-length` both ways. Each connection's requests are answered by
// one task on its event loop, in turn (no pipelining: a request that arrives before the previous answer waits). A predictor that cannot be reached
// gets 502 with the client's error as the body. A GET (the harness's readiness probe) gets 200 `{}` at once.

import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix
import PredictorClient

/// The command line: `--name value` pairs.
struct Options {
    var port = 8080
    var bindAddress = "127.0.0.1"
    var predictorHost = ""
    var workers = System.coreCount

    init(_ arguments: [String]) throws(UsageError) {
        var index = 1
        while index < arguments.count {
            let name = arguments[index]
            guard index + 1 < arguments.count else { throw UsageError(message: "\(name) needs a value") }
            let value = arguments[index + 1]
            switch name {
            case "--http_port": port = try Self.integer(name, value)
            case "--bind_address": bindAddress = value
            case "--predictor_host": predictorHost = value
            case "--workers": workers = max(1, try Self.integer(name, value))
            default: throw UsageError(message: "unknown flag \(name)")
            }
            index += 2
        }
        guard !predictorHost.isEmpty else { throw UsageError(message: "--predictor_host is required") }
    }

    private static func integer(_ name: String, _ value: String) throws(UsageError) -> Int {
        guard let number = Int(value) else { throw UsageError(message: "\(name) must be an integer, not \(value)") }
        return number
    }
}

/// A command line this tool cannot run with.
struct UsageError: Error {
    var message: String
}

/// Runs a task's jobs on one event loop, as Transformer's `EventLoopTaskExecutor` does for identity-transformer's
/// requests (a copy: that one is internal to the product, and NIO has no public single-loop task executor).
final class LoopExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// One connection: collects each request and hands it to the connection's task, which forwards it and writes the
/// answer; the client waits for each answer before its next request (wrk does not pipeline), so they stay in order.
final class ForwardHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    /// A complete request: what the connection's task forwards.
    struct Exchange: Sendable {
        var request: HTTPClient.Request
        var keepAlive: Bool
    }

    /// The answer written back.
    struct Answer: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: ByteBuffer
    }

    private static let forwardedHeaders = ["content-type", "inference-header-content-length"]
    private let client: HTTPClient
    private let baseURL: String
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var exchanges: AsyncStream<Exchange>.Continuation?

    init(client: HTTPClient, baseURL: String) {
        self.client = client
        self.baseURL = baseURL
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        exchanges?.finish()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            guard let requestHead = head else { return }
            head = nil
            if requestHead.method == .GET {  // readiness probes: answered here
                write(
                    Answer(status: 200, headers: [("content-type", "application/json")], body: ByteBuffer(string: "{}")),
                    keepAlive: requestHead.isKeepAlive, context: context)
                return
            }
            var request = HTTPClient.Request(method: "POST", url: baseURL + requestHead.uri, body: Array(body.readableBytesView))
            for name in Self.forwardedHeaders {
                if let value = requestHead.headers.first(name: name) { request.headers.append((name, value)) }
            }
            if exchanges == nil { startForwarding(context: context) }
            exchanges?.yield(Exchange(request: request, keepAlive: requestHead.isKeepAlive))
        }
    }

    /// Starts the connection's task, on the connection's event loop: it forwards each request in turn.
    private func startForwarding(context: ChannelHandlerContext) {
        let pair = AsyncStream.makeStream(of: Exchange.self)
        let stream = pair.stream
        exchanges = pair.continuation
        let client = self.client
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        let executor = LoopExecutor(eventLoop: context.eventLoop)
        Task(executorPreference: executor) { await ForwardHandler.forwardAll(stream, client: client, bound: bound) }
    }

    /// Forwards each request of `stream` and writes its answer on the connection's loop.
    private static func forwardAll(
        _ stream: AsyncStream<Exchange>, client: HTTPClient, bound: NIOLoopBound<(handler: ForwardHandler, context: ChannelHandlerContext)>
    ) async {
        for await exchange in stream {
            let answer = await Self.answer(exchange.request, client: client)
            if bound.eventLoop.inEventLoop {
                bound.value.handler.write(answer, keepAlive: exchange.keepAlive, context: bound.value.context)
            } else {
                bound.eventLoop.execute { bound.value.handler.write(answer, keepAlive: exchange.keepAlive, context: bound.value.context) }
            }
        }
    }

    /// The predictor's answer to `request`, or 502 with the client's error.
    private static func answer(_ request: HTTPClient.Request, client: HTTPClient) async -> Answer {
        do {
            let response = try await client.execute(request)
            let headers = forwardedHeaders.compactMap { name in response.value(forHeader: name).map { (name, $0) } }
            return Answer(status: response.status, headers: headers, body: response.body)
        } catch {
            return Answer(status: 502, headers: [("content-type", "text/plain")], body: ByteBuffer(string: "\(error)"))
        }
    }

    private func write(_ answer: Answer, keepAlive: Bool, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 160 + answer.body.readableBytes)
        buffer.writeString("HTTP/1.1 \(answer.status) \(HTTPResponseStatus(statusCode: answer.status).reasonPhrase)\r\n")
        for (name, value) in answer.headers { buffer.writeString("\(name): \(value)\r\n") }
        buffer.writeString("content-length: \(answer.body.readableBytes)\r\n\(keepAlive ? "" : "connection: close\r\n")\r\n")
        buffer.writeImmutableBuffer(answer.body)
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        } else {
            context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

let options: Options
do {
    options = try Options(CommandLine.arguments)
} catch {
    print("forward-floor: \(error.message)")
    print("usage: forward-floor --http_port PORT --predictor_host HOST:PORT [--bind_address ADDRESS] [--workers N]")
    exit(2)
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: options.workers)
let client = HTTPClient(configuration: .init(timeout: .seconds(60), maxConnectionsPerHost: 64, threads: options.workers))
let baseURL = "http://\(options.predictorHost)"
let server = try await ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 1024)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
            try channel.pipeline.syncOperations.addHandler(ForwardHandler(client: client, baseURL: baseURL))
        }
    }
    .bind(host: options.bindAddress, port: options.port)
    .get()
print("forward-floor listening on \(options.bindAddress):\(options.port), forwarding to \(baseURL)")
try await server.closeFuture.get()
