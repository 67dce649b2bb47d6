import Transformer

// iris-classifier: a standalone predictor (REST v1, REST v2, gRPC v2) with KServe's flags.
//   swift run iris-classifier --http_port 8080 --model_name iris
//   curl -s localhost:8080/v1/models/iris:predict -d '{"instances": [[6.8, 2.8, 4.8, 1.4]]}'
var options = ServerOptions.fromCommandLine()
if !CommandLine.arguments.contains(where: { $0.hasPrefix("--model_name") }) { options.modelName = "iris" }
await ModelServer(options: options).start([try IrisClassifier(name: options.modelName)])
