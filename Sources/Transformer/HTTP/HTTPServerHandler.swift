internal import InferenceProtocol
internal import NIOCore
internal import NIOHTTP1

/// The per-connection HTTP/1.1 handler: collects each request's body (up to the limit), answers it through the
/// ``KServeResponder`` on the connection's own event loop, and writes the response.
///
/// It sits right after NIO's HTTP/1.1 request decoder, writes each response as bytes itself (status line, headers and
/// a small body in one buffer, one write and flush per response instead of three trips through NIO's
/// `HTTPResponseEncoder`), and does the pipelining itself: requests are answered one at
/// a time, in order; parts of requests a client pipelines while one is being answered wait in a queue (and reads
/// stop until it drains), and a malformed request gets 400 and a close in its turn. (NIO's `HTTPServerPipelineHandler`
/// does the same but stops and restarts reading around every response, two `epoll_ctl` calls per request even for
/// clients that never pipeline.) Its behaviour, as uvicorn's:
/// - `Expect: 100-continue` is answered with `100 Continue`, or at once with 413 and a close when the declared
///   `Content-Length` is over the limit (libcurl waits a second for the interim answer on bodies over 1 MB).
/// - A body over the limit gets 413 as soon as it is; the rest of it is read and dropped, and the connection
///   stays usable.
/// - Keep-alive follows the request (`Connection: close`, HTTP/1.0); idle connections close after the
///   keep-alive timeout (an `IdleStateHandler` before this handler says when).
/// - On graceful shutdown (`ChannelShouldQuiesceEvent`) an idle connection closes at once; one with a request
///   in flight finishes it, answers with `connection: close` and closes after the write.
final class HTTPServerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = Never
    typealias OutboundOut = IOData

    /// What arrived while a request was being answered, in order.
    private enum Pending {
        case part(HTTPServerRequestPart)
        /// The decoder failed here: answer 400 and close once everything before it is answered.
        case malformed
    }

    /// A complete request and what its response's framing depends on.
    private struct Exchange: Sendable {
        var request: RESTRequest
        var version: HTTPVersion
        var keepAlive: Bool
        /// A `HEAD` request: the response goes without its body.
        var headOnly: Bool
    }

    private enum State {
        /// Between requests.
        case idle
        /// Reading a request's body; `expected` is its declared length.
        case collecting(HTTPRequestHead, ByteBuffer?, expected: Int?)
        /// 413 was sent; dropping the rest of the body. `close`: close once it is written.
        case discarding(close: Bool)
        /// The request is complete and being answered.
        case answering
    }

    private let responder: KServeResponder
    private var state = State.idle
    private var quiescing = false
    private var pending = CircularBuffer<Pending>()
    /// A `read()` held back while requests wait in ``pending``.
    private var readHeld = false
    /// The decoder failed: nothing more is read or answered after the requests before the failure.
    private var malformed = false
    private var executor: EventLoopTaskExecutor?
    /// The hand-off to the connection's answering task, once the first request came.
    private var requests: ConnectionRequests<Exchange>?
    private var date = HTTPDate()

    /// Creates the handler for one connection.
    init(responder: KServeResponder) {
        self.responder = responder
    }

    func handlerAdded(context: ChannelHandlerContext) {
        executor = EventLoopTaskExecutor(eventLoop: context.eventLoop)
    }

    /// The connection is gone: its answering task ends after the request it is answering.
    func handlerRemoved(context: ChannelHandlerContext) {
        requests?.finish()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard !malformed else { return }
        if mustQueue {
            pending.append(.part(part))  // pipelined: answered after the requests before it
        } else {
            handle(part, context: context)
        }
    }

    /// Whether what arrives now must wait: a request is being answered, or others wait before it.
    private var mustQueue: Bool {
        if case .answering = state { return true }
        return !pending.isEmpty
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head): begin(head, context: context)
        case .body(let part): append(part, context: context)
        case .end: finish(context: context)
        }
    }

    /// Holds reads back while pipelined requests wait, so that a client cannot make the queue grow without bound.
    func read(context: ChannelHandlerContext) {
        if pending.isEmpty && !malformed {
            context.read()
        } else {
            readHeld = true
        }
    }

    /// Handles the queued parts until a request is being answered again; then reads resume if the queue drained.
    private func drainPending(context: ChannelHandlerContext) {
        while let next = pending.first {
            if case .answering = state { return }
            pending.removeFirst()
            switch next {
            case .part(let part):
                handle(part, context: context)
            case .malformed:
                pending.removeAll()
                sendBadRequest(context: context)
                return
            }
        }
        if readHeld && !malformed {
            readHeld = false
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            quiescing = true
            if case .idle = state { context.close(promise: nil) }
        case let idle as IdleStateHandler.IdleStateEvent where idle == .read:
            if case .idle = state { context.close(promise: nil) }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError || error is ByteToMessageDecoderError else {
            context.close(promise: nil)  // anything but a malformed request ends the connection
            return
        }
        // The decoder stops at a malformed request (and reports every later read as an error too): the requests
        // before it are answered in order, then it gets 400 and the connection closes.
        guard !malformed else { return }
        malformed = true
        if mustQueue {
            pending.append(.malformed)
        } else {
            sendBadRequest(context: context)
        }
    }

    /// NIO's answer to a request it cannot parse: 400, no body, then the connection closes.
    private func sendBadRequest(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        buffer.writeResponseHead(version: .http1_1, status: .badRequest, headers: HTTPHeaders([("Connection", "close"), ("Content-Length", "0")]))
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    // MARK: Request parts

    private func begin(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let (declaredLength, expectsContinue) = head.framing
        if let declaredLength, declaredLength > responder.maxBodySize {
            // The client that waits for 100 will not send the body: the connection's framing is lost, close it.
            state = .discarding(close: expectsContinue)
            writeTooLarge(head, close: expectsContinue, context: context)
            return
        }
        if expectsContinue {
            var buffer = context.channel.allocator.buffer(capacity: 32)
            buffer.writeResponseHead(version: head.version, status: .continue, headers: [:])
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
        }
        state = .collecting(head, nil, expected: declaredLength)
    }

    private func append(_ part: ByteBuffer, context: ChannelHandlerContext) {
        guard case .collecting(let head, var body, let expected) = state else { return }  // discarding: drop it
        state = .answering  // keeps the body uniquely referenced while it grows
        guard (body?.readableBytes ?? 0) + part.readableBytes <= responder.maxBodySize else {
            state = .discarding(close: false)
            writeTooLarge(head, close: false, context: context)
            return
        }
        if body != nil {
            body!.writeImmutableBuffer(part)
        } else if part.readableBytes >= (expected ?? 0) {
            body = part  // the whole body in one read: no copy
        } else {
            var buffer = context.channel.allocator.buffer(capacity: max(expected ?? 0, part.readableBytes))
            buffer.writeImmutableBuffer(part)
            body = buffer
        }
        state = .collecting(head, body, expected: expected)
    }

    private func finish(context: ChannelHandlerContext) {
        switch state {
        case .collecting(let head, let body, _):
            state = .answering
            answer(head, body: body ?? ByteBuffer(), context: context)
        case .discarding(let close):
            state = .idle
            if close || quiescing {
                context.close(promise: nil)
            } else {
                drainPending(context: context)
            }
        case .idle, .answering:
            break
        }
    }

    // MARK: Answering

    private func answer(_ head: HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        let request = RESTRequest(method: head.method, uri: head.uri, headers: head.headers, body: body)
        let exchange = Exchange(request: request, version: head.version, keepAlive: head.isKeepAlive, headOnly: head.method == .HEAD)
        if requests == nil { startAnswering(context: context) }
        requests?.submit(exchange)
    }

    /// Starts the connection's task: it answers each submitted request in turn and writes the response on the
    /// connection's event loop, until the connection is gone.
    private func startAnswering(context: ChannelHandlerContext) {
        let requests = ConnectionRequests<Exchange>()
        self.requests = requests
        let responder = self.responder
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        Task(executorPreference: executor) {
            while let exchange = await requests.next() {
                let response = await responder.respond(to: exchange.request)
                if bound.eventLoop.inEventLoop {
                    bound.value.handler.write(response, for: exchange, context: bound.value.context)
                } else {
                    bound.eventLoop.execute {
                        bound.value.handler.write(response, for: exchange, context: bound.value.context)
                    }
                }
            }
        }
    }

    /// Writes the answer of the request being answered; the connection is then idle (or closes).
    private func write(_ response: RESTResponse, for exchange: Exchange, context: ChannelHandlerContext) {
        state = .idle
        let close = !exchange.keepAlive || quiescing
        send(response, version: exchange.version, close: close, headOnly: exchange.headOnly, context: context)
        if !close { drainPending(context: context) }
    }

    /// Answers 413 while the body is still arriving (or will never arrive, when `close`).
    private func writeTooLarge(_ head: HTTPRequestHead, close: Bool, context: ChannelHandlerContext) {
        let error = KServeResponder.errorResponse(
            .init(code: .payloadTooLarge, message: "Request body is larger than the limit of \(responder.maxBodySize) bytes."))
        send(error, version: head.version, close: close, context: context)
    }

    /// Writes a complete response with `content-length` and `date` (and `connection: close`, then closes, when `close`).
    /// A first body part up to ``inlineBodyLimit`` bytes goes into the same buffer as the head; a larger one, and every
    /// shared part after it, is written as a buffer of its own (no copy; the socket write gathers them). `headOnly`
    /// (a `HEAD` request): the head alone, as NIO's encoder frames it.
    private func send(_ response: RESTResponse, version: HTTPVersion, close: Bool, headOnly: Bool = false, context: ChannelHandlerContext) {
        let inline = !headOnly && response.body.readableBytes <= Self.inlineBodyLimit
        var buffer = context.channel.allocator.buffer(capacity: 256 + (inline ? response.body.readableBytes : 0))
        buffer.writeResponseHead(
            version: version, status: response.status, headers: response.headers, contentLength: response.bodyLength,
            date: date.now(), close: close)
        if !headOnly {
            if inline {
                if response.body.readableBytes > 0 { buffer.writeImmutableBuffer(response.body) }
            } else {
                context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
                buffer = response.body
            }
            for part in response.sharedParts {
                context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
                buffer = part
            }
        }
        if close {
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
        }
    }

    /// The largest body copied into the head's buffer (one write) rather than written as a buffer of its own.
    private static let inlineBodyLimit = 16 * 1024
}
