import Transformer

// iris-text-transformer: text measurements in, labels out, with the iris-classifier predictor behind it:
//   iris-classifier --http_port 8090 --grpc_port 8091 --model_name iris &
//   iris-text-transformer --http_port 8080 --model_name iris --predictor_host 127.0.0.1:8090 --predictor_protocol v2
//   curl -s localhost:8080/v1/models/iris:predict -d '{"instances": ["6.8,2.8,4.8,1.4"]}'   → {"predictions":["versicolor"]}
var options = ServerOptions.fromCommandLine()
if !CommandLine.arguments.contains(where: { $0.hasPrefix("--model_name") }) { options.modelName = "iris" }
await ModelServer(options: options).start([IrisTextTransformer(name: options.modelName)])
