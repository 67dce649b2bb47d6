import InferenceProtocol
import Testing

@testable import PredictorClient

/// The per-request state machine, without threads or sockets: every order of start, cancel and finish resumes the
/// continuation exactly once.
struct InFlightRequestStateMachineTests {
    typealias Machine = InFlightRequest.StateMachine

    /// Runs `body` with a real continuation and returns how the task ended.
    private func withContinuation(_ body: (Machine.Continuation) -> Void) async -> String {
        do {
            let response: HTTPClient.Response = try await withCheckedThrowingContinuation { body($0) }
            return "response \(response.status)"
        } catch {
            return "error"
        }
    }

    @Test func startThenFinish() async {
        let outcome = await withContinuation { continuation in
            var machine = Machine()
            #expect(machine.start(continuation) == .submit)
            let resumed = machine.finish()
            #expect(resumed != nil)
            #expect(machine.finish() == nil)
            if case .none = machine.cancel() {} else { Issue.record("cancel after finish must do nothing") }
            resumed?.resume(returning: HTTPClient.Response(status: 204))
        }
        #expect(outcome == "response 204")
    }

    @Test func startThenCancelThenFinish() async {
        let outcome = await withContinuation { continuation in
            var machine = Machine()
            #expect(machine.start(continuation) == .submit)
            guard case .failAndRemove(let resumed) = machine.cancel() else {
                Issue.record("cancel while waiting must fail the request and remove its transfer")
                return
            }
            #expect(machine.finish() == nil)
            resumed.resume(throwing: CancellationError())
        }
        #expect(outcome == "error")
    }

    @Test func cancelBeforeStart() async {
        let outcome = await withContinuation { continuation in
            var machine = Machine()
            if case .none = machine.cancel() {} else { Issue.record("cancel before start has nothing to resume") }
            #expect(machine.start(continuation) == .failCancelled)
            #expect(machine.finish() == nil)
            continuation.resume(throwing: CancellationError())
        }
        #expect(outcome == "error")
    }
}

/// libcurl results map to the documented codes, and the codes to HTTP statuses.
struct HTTPClientErrorTests {
    @Test func inferenceErrorMapping() {
        let url = "http://predictor:8080/v2/models/m/infer"
        let timeout = HTTPClientError(code: .timeout, message: "Operation timed out (POST \(url))", url: url)
        #expect(InferenceError(timeout).code == .gatewayTimeout)
        #expect(InferenceError(timeout).message.contains(url))
        for code in [HTTPClientError.Code.connectionFailed, .connectionLost, .tls, .cancelled, .other] {
            let error = HTTPClientError(code: code, message: "failed (POST \(url))", url: url)
            #expect(InferenceError(error).code == .badGateway)
            #expect(InferenceError(error).code.httpStatus == 502)
            #expect(InferenceError(error).message.contains(url))
        }
    }

    @Test func durationsRoundUpToWholeMilliseconds() {
        #expect(Duration.seconds(1).curlMilliseconds == 1000)
        #expect(Duration.microseconds(1500).curlMilliseconds == 2)
        #expect(Duration.zero.curlMilliseconds == 1)
        #expect(Duration.seconds(-3).curlMilliseconds == 1)
        #expect(Duration.seconds(Int64.max).curlMilliseconds == Int.max)
    }
}
