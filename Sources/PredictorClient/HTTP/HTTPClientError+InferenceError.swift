public import InferenceProtocol

extension InferenceError {
    /// The error a transformer answers with when the call to its predictor (or explainer) failed: a timeout
    /// becomes `gatewayTimeout` (HTTP 504), every other failure `badGateway` (HTTP 502). The message
    /// (`Predictor request timed out: …` or `Predictor request failed: …`) names the URL; the client error is kept
    /// as the cause.
    /// - Parameter error: The failure of the outbound request.
    public init(_ error: HTTPClientError) {
        if error.code == .timeout {
            self.init(code: .gatewayTimeout, message: "Predictor request timed out: \(error.message)", cause: error)
        } else {
            self.init(code: .badGateway, message: "Predictor request failed: \(error.message)", cause: error)
        }
    }
}
