import Synchronization
import Testing

@testable import Transformer

/// The hand-off between a connection's channel handler and its answering task.
@Suite struct ConnectionRequestsTests {
    @Test func aRequestSubmittedBeforeTheTaskAsksIsHeldForIt() async {
        let requests = ConnectionRequests<Int>()
        requests.submit(1)
        #expect(await requests.next() == 1)
    }

    @Test func aWaitingTaskGetsEachRequestInTurn() async {
        let requests = ConnectionRequests<Int>()
        let seen = Mutex<[Int]>([])
        let answering = Task {
            while let next = await requests.next() { seen.withLock { $0.append(next) } }
        }
        for value in 1...50 {
            // One at a time, as the handler hands them over: the next once the task has taken the last.
            while seen.withLock({ $0.count }) < value - 1 { await Task.yield() }
            requests.submit(value)
        }
        while seen.withLock({ $0.count }) < 50 { await Task.yield() }
        requests.finish()
        await answering.value
        #expect(seen.withLock { $0 } == Array(1...50))
    }

    @Test func finishingWakesAWaitingTaskWithNil() async {
        let requests = ConnectionRequests<Int>()
        let waiter = Task { await requests.next() }
        try? await Task.sleep(for: .milliseconds(20))
        requests.finish()
        #expect(await waiter.value == nil)
    }

    @Test func aRequestHeldWhenTheConnectionGoesIsStillAnsweredThenNil() async {
        let requests = ConnectionRequests<Int>()
        requests.submit(7)
        requests.finish()
        #expect(await requests.next() == 7)
        #expect(await requests.next() == nil)
        #expect(await requests.next() == nil)
    }

    @Test func nothingIsTakenAfterFinish() async {
        let requests = ConnectionRequests<Int>()
        requests.finish()
        requests.submit(3)
        #expect(await requests.next() == nil)
    }

    @Test func aSecondRequestBeforeTheFirstIsTakenKeepsTheFirst() async {
        let requests = ConnectionRequests<Int>()
        requests.submit(1)
        requests.submit(2)
        requests.finish()
        #expect(await requests.next() == 1)
        #expect(await requests.next() == nil)
    }
}
