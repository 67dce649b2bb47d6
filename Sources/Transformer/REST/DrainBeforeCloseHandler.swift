internal import HTTPTypes
internal import NIOCore
internal import NIOHTTPTypes

/// Makes a graceful shutdown graceful for the bytes too: holds a `close` back until every write before it has
/// reached the socket, and marks responses written during shutdown `Connection: close`.
///
/// Hummingbird closes a connection right after writing the last part of a response when the server is shutting
/// down (`HTTPConnectionStateHandler`: `writeAndFlush(end)` then `close()`); NIO fails writes still queued at that
/// moment, so a large response in flight at SIGTERM would be cut off. This handler sits between the HTTP codec and
/// that handler, counts unfinished writes, and performs a close only once they have completed.
final class DrainBeforeCloseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var pendingWrites = 0
    private var deferredClose: (mode: CloseMode, promise: EventLoopPromise<Void>?)?
    private var shuttingDown = false

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent { shuttingDown = true }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var part = unwrapOutboundIn(data)
        if shuttingDown, case .head(var head) = part {
            head.headerFields[.connection] = "close"
            part = .head(head)
        }
        pendingWrites += 1
        let completion = promise ?? context.eventLoop.makePromise()
        completion.futureResult.hop(to: context.eventLoop).assumeIsolatedUnsafeUnchecked().whenComplete { _ in
            self.pendingWrites -= 1
            if self.pendingWrites == 0, let deferred = self.deferredClose {
                self.deferredClose = nil
                context.close(mode: deferred.mode, promise: deferred.promise)
            }
        }
        context.write(wrapOutboundOut(part), promise: completion)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard pendingWrites > 0, mode == .all else {
            context.close(mode: mode, promise: promise)
            return
        }
        context.flush()
        deferredClose = (mode, promise)
    }
}
