public import InferenceProtocol
public import Logging
internal import Metrics
internal import Synchronization

/// Runs one model call: `preprocess` → validate → `predict` or `explain` → `postprocess` (KServe's
/// `Model.__call__`), timing each step into the `request_*_seconds` histograms (label `model_name`) and writing
/// the latency line when enabled.
public struct InferencePipeline: Sendable {
    /// The protocol spoken to the predictor; decides which list a v1 JSON payload must carry after `preprocess`.
    public var predictorProtocol: PredictorConfig.WireProtocol
    /// Whether to log `requestId: ..., preprocess_ms: ...` per call (`--enable_latency_logging`).
    public var latencyLogging: Bool
    /// The `kserve.trace` logger the latency line goes to.
    public var traceLogger: Logger

    /// Creates a pipeline.
    public init(
        predictorProtocol: PredictorConfig.WireProtocol = .v1, latencyLogging: Bool = false,
        traceLogger: Logger = Logger(label: "kserve.trace")
    ) {
        self.predictorProtocol = predictorProtocol
        self.latencyLogging = latencyLogging
        self.traceLogger = traceLogger
    }

    /// Runs `model` on `payload`.
    /// - Returns: What `postprocess` returned.
    /// - Throws: What the model throws; `invalidInput` if `preprocess` produced a v1 body whose `instances`
    ///   (v1 predictor) or `inputs` (v2 predictor) is not a list.
    public func run(_ model: any Model, payload: Payload, verb: Verb, context: InferenceContext) async throws -> Payload {
        let timers = StepTimers.for(model.name)
        let clock = ContinuousClock()
        var start = clock.now
        let preprocessed = try await model.preprocess(payload, context: context)
        let preprocessTime = start.duration(to: clock.now)
        timers.preprocess.recordNanoseconds(preprocessTime.nanoseconds)
        try validate(preprocessed)

        start = clock.now
        let result: Payload
        var predictTime = Duration.zero
        var explainTime = Duration.zero
        switch verb {
        case .predict:
            result = try await model.predict(preprocessed, context: context)
            predictTime = start.duration(to: clock.now)
            timers.predict.recordNanoseconds(predictTime.nanoseconds)
        case .explain:
            result = try await model.explain(preprocessed, context: context)
            explainTime = start.duration(to: clock.now)
            timers.explain.recordNanoseconds(explainTime.nanoseconds)
        }

        start = clock.now
        let response = try await model.postprocess(result, context: context)
        let postprocessTime = start.duration(to: clock.now)
        timers.postprocess.recordNanoseconds(postprocessTime.nanoseconds)
        if latencyLogging {
            traceLogger.info(
                "requestId: \(context.requestID ?? "N.A."), preprocess_ms: \(preprocessTime.milliseconds), explain_ms: \(explainTime.milliseconds), predict_ms: \(predictTime.milliseconds), postprocess_ms: \(postprocessTime.milliseconds)"
            )
        }
        return response
    }

    private func validate(_ payload: Payload) throws(InferenceError) {
        guard case .v1(let body) = payload else { return }
        switch predictorProtocol {
        case .v1: try body.validate(listKey: .instances)
        case .v2, .grpcV2: try body.validate(listKey: .inputs)
        }
    }
}

/// The four step timers of one model name, created once and reused.
struct StepTimers: Sendable {
    let preprocess: Timer
    let predict: Timer
    let explain: Timer
    let postprocess: Timer

    private static let cache = Mutex<[String: StepTimers]>([:])

    static func `for`(_ modelName: String) -> StepTimers {
        cache.withLock { cache in
            if let timers = cache[modelName] { return timers }
            let dimensions = [("model_name", modelName)]
            let timers = StepTimers(
                preprocess: Timer(label: MetricNames.preprocess, dimensions: dimensions),
                predict: Timer(label: MetricNames.predict, dimensions: dimensions),
                explain: Timer(label: MetricNames.explain, dimensions: dimensions),
                postprocess: Timer(label: MetricNames.postprocess, dimensions: dimensions)
            )
            cache[modelName] = timers
            return timers
        }
    }
}

/// KServe's metric names.
public enum MetricNames {
    /// `request_preprocess_seconds`.
    public static let preprocess = "request_preprocess_seconds"
    /// `request_predict_seconds`.
    public static let predict = "request_predict_seconds"
    /// `request_explain_seconds`.
    public static let explain = "request_explain_seconds"
    /// `request_postprocess_seconds`.
    public static let postprocess = "request_postprocess_seconds"
    /// All four.
    public static let all = [preprocess, predict, explain, postprocess]
}

extension Duration {
    /// Whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000
    }

    /// Milliseconds rounded to 9 decimals as KServe prints them; `0` for a step that did not run.
    var milliseconds: String {
        guard self != .zero else { return "0" }
        let value = (Double(nanoseconds) / 1_000_000 * 1e9).rounded() / 1e9
        return "\(value)"
    }
}
