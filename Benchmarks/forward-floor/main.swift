// forward-floor: the cheapest transformer this design allows, as a measuring stick for scripts/bench (system (e)).
// Not part of the runtime and not a KServe server: it answers every POST by sending its body, byte for byte, to
// http://PREDICTOR_HOST with the same path through PredictorClient's libcurl HTTPClient, and answering with the
// predictor's body. No routing, no JSON, no call chain, no metrics, no logs. SwiftNIO in (one event loop per core,
// the request's task on the connection's loop, the answer written as bytes), libcurl out (one thread per core), as
// in identity-transformer. What separates identity-transformer from this is its own work; what separates this from
// an nginx proxy is the design.
//
//   forward-floor --http_port PORT --predictor_host HOST:PORT [--bind_address ADDRESS] [--workers N] [--client C]
//
// Forwards `content-type` and `inference-header-content-length` both ways. Each connection's requests are answered in
// turn (no pipelining: a request that arrives before the previous answer waits). A predictor that cannot be reached
// gets 502 with the error as the body. A GET (the harness's readiness probe) gets 200 `{}` at once.
//
// `--client libcurl` (the default) is the design: one task per connection on its event loop awaits the libcurl
// HTTPClient, whose transfers run on libcurl threads. `--client nio` is what the design rules out, measured for
// comparison (scripts/bench system (f)): each inbound connection gets one kept-alive connection to the predictor on
// its own event loop, with NIO's HTTP/1.1 client codec; no task, no other thread, no libcurl.

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
    /// `libcurl` or `nio`.
    var client = "libcurl"

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
            case "--client" where value == "libcurl" || value == "nio": client = value
            case "--client": throw UsageError(message: "--client is libcurl or nio, not \(value)")
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

/// `--client nio`: collects each answer on the predictor connection and hands it to the inbound connection (both on
/// the same event loop). A predictor that closes the connection fails the request in flight with 502.
final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// Called on the loop with each complete answer.
    var onAnswer: ((ForwardHandler.Answer) -> Void)?
    private var answer: ForwardHandler.Answer?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            let headers = ForwardHandler.forwardedHeaders.compactMap { name in head.headers.first(name: name).map { (name, $0) } }
            answer = ForwardHandler.Answer(status: Int(head.status.code), headers: headers, body: ByteBuffer())
        case .body(var part):
            answer?.body.writeBuffer(&part)
        case .end:
            if let answer { onAnswer?(answer) }
            answer = nil
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        onAnswer?(ForwardHandler.Answer(status: 502, headers: [], body: ByteBuffer(string: "predictor closed the connection")))
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

    /// How requests go to the predictor.
    enum Outbound {
        /// `--client libcurl`: through the libcurl client, at the predictor's base URL.
        case libcurl(HTTPClient, baseURL: String)
        /// `--client nio`: over a connection of this handler's own to the predictor's host and port.
        case nio(host: String, port: Int)
    }

    static let forwardedHeaders = ["content-type", "inference-header-content-length"]
    private let outbound: Outbound
    /// `--client nio`: this connection's connection to the predictor, once connected.
    private var upstream: (any Channel)?
    /// `--client nio`: requests waiting for the connection or for the answer before them, and whether each keeps
    /// the client's connection alive (the first is the one in flight once `upstream` is set).
    private var upstreamQueue: [(head: HTTPRequestHead, body: ByteBuffer, keepAlive: Bool)] = []
    private var upstreamBusy = false
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var exchanges: AsyncStream<Exchange>.Continuation?

    init(outbound: Outbound) {
        self.outbound = outbound
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        exchanges?.finish()
        upstream?.close(promise: nil)
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
            switch outbound {
            case .nio(let host, let port):
                forwardOverNIO(requestHead, keepAlive: requestHead.isKeepAlive, to: (host, port), context: context)
            case .libcurl(let client, let baseURL):
                var request = HTTPClient.Request(method: "POST", url: baseURL + requestHead.uri, body: Array(body.readableBytesView))
                for name in Self.forwardedHeaders {
                    if let value = requestHead.headers.first(name: name) { request.headers.append((name, value)) }
                }
                if exchanges == nil { startForwarding(client: client, context: context) }
                exchanges?.yield(Exchange(request: request, keepAlive: requestHead.isKeepAlive))
            }
        }
    }

    /// Starts the connection's task, on the connection's event loop: it forwards each request in turn.
    private func startForwarding(client: HTTPClient, context: ChannelHandlerContext) {
        let pair = AsyncStream.makeStream(of: Exchange.self)
        let stream = pair.stream
        exchanges = pair.continuation
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

    /// `--client nio`: queues the request for this connection's predictor connection (connecting it first).
    private func forwardOverNIO(
        _ requestHead: HTTPRequestHead, keepAlive: Bool, to address: (host: String, port: Int), context: ChannelHandlerContext
    ) {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: requestHead.uri)
        head.headers.add(name: "host", value: "\(address.host):\(address.port)")
        for name in Self.forwardedHeaders {
            if let value = requestHead.headers.first(name: name) { head.headers.add(name: name, value: value) }
        }
        head.headers.add(name: "content-length", value: String(body.readableBytes))
        upstreamQueue.append((head, body, keepAlive))
        body = ByteBuffer()
        if upstream?.isActive == false { upstream = nil }  // the predictor closed it while idle
        if upstream != nil {
            sendNextUpstream()
        } else if upstreamQueue.count == 1 {
            connectUpstream(to: address, context: context)
        }
    }

    private func connectUpstream(to address: (host: String, port: Int), context: ChannelHandlerContext) {
        ClientBootstrap(group: context.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler())
                }
            }
            .connect(host: address.host, port: address.port)
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    guard let handler = try? channel.pipeline.syncOperations.handler(type: UpstreamHandler.self) else { return }
                    handler.onAnswer = { answer in self.upstreamAnswered(answer, context: context) }
                    self.upstream = channel
                    self.sendNextUpstream()
                case .failure(let error):
                    self.upstreamAnswered(Answer(status: 502, headers: [], body: ByteBuffer(string: "\(error)")), context: context)
                }
            }
    }

    private func sendNextUpstream() {
        guard !upstreamBusy, let upstream, let next = upstreamQueue.first else { return }
        upstreamBusy = true
        upstream.write(HTTPClientRequestPart.head(next.head), promise: nil)
        upstream.write(HTTPClientRequestPart.body(.byteBuffer(next.body)), promise: nil)
        upstream.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    /// The answer to the first queued request (or 502 for all of them when the predictor's connection failed; after
    /// the predictor closed the connection, the next ones go over a new one).
    private func upstreamAnswered(_ answer: Answer, context: ChannelHandlerContext) {
        guard !upstreamQueue.isEmpty else { return }
        let done = upstreamQueue.removeFirst()
        upstreamBusy = false
        write(answer, keepAlive: done.keepAlive, context: context)
        if upstream == nil {  // connecting failed: the rest fail too
            while !upstreamQueue.isEmpty { upstreamAnswered(answer, context: context) }
        } else if upstream?.isActive == false {  // the predictor closed it: the rest go over a new connection
            upstream = nil
            if !upstreamQueue.isEmpty, case .nio(let host, let port) = outbound { connectUpstream(to: (host, port), context: context) }
        } else {
            sendNextUpstream()
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
    print("usage: forward-floor --http_port PORT --predictor_host HOST:PORT [--bind_address ADDRESS] [--workers N] [--client libcurl|nio]")
    exit(2)
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: options.workers)
// The libcurl client (and its threads) only when it is used.
let outbound: ForwardHandler.Outbound =
    options.client == "nio"
    ? .nio(
        host: String(options.predictorHost.split(separator: ":").first ?? ""), port: Int(options.predictorHost.split(separator: ":").last ?? "") ?? 80
    )
    : .libcurl(
        HTTPClient(configuration: .init(timeout: .seconds(60), maxConnectionsPerHost: 64, threads: options.workers)),
        baseURL: "http://\(options.predictorHost)")
let server = try await ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 1024)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
            try channel.pipeline.syncOperations.addHandler(ForwardHandler(outbound: outbound))
        }
    }
    .bind(host: options.bindAddress, port: options.port)
    .get()
print("forward-floor listening on \(options.bindAddress):\(options.port), forwarding to \(options.predictorHost) over \(options.client)")
try await server.closeFuture.get()
