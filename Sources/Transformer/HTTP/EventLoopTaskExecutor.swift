internal import NIOCore

/// Runs a task's jobs on one NIO event loop, so that a request's async work (decoding, the call chain, encoding)
/// stays on the thread that read it and writes its answer, instead of hopping to Swift's global pool and back.
final class EventLoopTaskExecutor: TaskExecutor {
    /// The loop every job runs on.
    let eventLoop: any EventLoop

    /// Creates an executor for `eventLoop`.
    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
