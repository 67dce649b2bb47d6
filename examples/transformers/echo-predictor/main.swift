import Transformer

// echo-predictor: a standalone predictor serving the `echo` model (or every name of a comma-separated --model_name)
// over REST v1, REST v2 and gRPC v2, with KServe's flags. Used by the tests and benchmarks as a fixture.
var options = ServerOptions.fromCommandLine()
if !CommandLine.arguments.contains(where: { $0.hasPrefix("--model_name") }) { options.modelName = "echo" }
let names = options.modelName.split(separator: ",").map(String.init)
await ModelServer(options: options).start(names.map { EchoModel(name: $0) })
