import Pipeline
import Transformer

/// preprocess and postprocess return their input; `predict` is the default: forward to `--predictor_host`.
struct IdentityTransformer: Model {
    let name: String
}

// identity-transformer: one identity model per name of a comma-separated --model_name, in front of the predictor
// given by --predictor_host / --predictor_protocol. Used by the tests and benchmarks.
let options = ServerOptions.fromCommandLine()
let names = options.modelName.split(separator: ",").map(String.init)
await ModelServer(options: options).start(names.map { IdentityTransformer(name: $0) })
