internal import GRPCCore
internal import GRPCProtobuf
internal import InferenceGRPC
internal import InferenceProtocol
internal import Logging
internal import Pipeline
internal import SwiftProtobuf

/// `inference.GRPCInferenceService` backed by a ``DataPlane``: every RPC of spec §6.5, including the repository
/// load / unload that KServe 0.20 breaks.
///
/// Failures are answered with the status of ``GRPCCore/RPCError/init(_:)``; any other error a model throws is logged
/// and answered with `INTERNAL` `Internal server error`.
///
/// Message limits are enforced here, with grpcio's `RESOURCE_EXHAUSTED` statuses and wording: grpc-swift has no
/// server-side send limit, and its transport answers an over-limit request by resetting the stream (which clients
/// report as `UNAVAILABLE`), so the transport is given a higher ceiling (see ``GRPCServerService``) and the exact limit
/// is checked on the decoded bytes.
struct InferenceGRPCService: Inference_GRPCInferenceService.ServiceProtocol {
    let dataPlane: DataPlane
    let maxReceiveMessageLength: Int
    let maxSendMessageLength: Int
    let logger: Logger

    init(dataPlane: DataPlane, maxReceiveMessageLength: Int, maxSendMessageLength: Int, logger: Logger) {
        self.dataPlane = dataPlane
        self.maxReceiveMessageLength = maxReceiveMessageLength
        self.maxSendMessageLength = maxSendMessageLength
        self.logger = logger
    }

    // MARK: Health and metadata

    func serverLive(
        request: ServerRequest<Inference_ServerLiveRequest>, context: ServerContext
    ) async throws -> ServerResponse<Inference_ServerLiveResponse> {
        var response = Inference_ServerLiveResponse()
        response.live = true
        return ServerResponse(message: response)
    }

    func serverReady(
        request: ServerRequest<Inference_ServerReadyRequest>, context: ServerContext
    ) async throws -> ServerResponse<Inference_ServerReadyResponse> {
        try await answer("ServerReady") {
            var response = Inference_ServerReadyResponse()
            response.ready = try await dataPlane.isServerReady()
            return response
        }
    }

    func modelReady(
        request: ServerRequest<Inference_ModelReadyRequest>, context: ServerContext
    ) async throws -> ServerResponse<Inference_ModelReadyResponse> {
        try await answer("ModelReady") {
            var response = Inference_ModelReadyResponse()
            response.ready = try await dataPlane.isModelReady(request.message.name)
            return response
        }
    }

    func serverMetadata(
        request: ServerRequest<Inference_ServerMetadataRequest>, context: ServerContext
    ) async throws -> ServerResponse<Inference_ServerMetadataResponse> {
        var response = Inference_ServerMetadataResponse()
        response.name = DataPlane.serverName
        response.version = DataPlane.serverVersion
        response.extensions = DataPlane.extensions
        return ServerResponse(message: response)
    }

    func modelMetadata(
        request: ServerRequest<Inference_ModelMetadataRequest>, context: ServerContext
    ) async throws -> ServerResponse<Inference_ModelMetadataResponse> {
        try await answer("ModelMetadata") {
            let metadata = try await dataPlane.modelMetadata(request.message.name)
            var response = Inference_ModelMetadataResponse()
            response.name = metadata.name
            response.platform = metadata.platform
            response.inputs = metadata.inputs.map(Self.message(for:))
            response.outputs = metadata.outputs.map(Self.message(for:))
            return response
        }
    }

    // MARK: Inference

    func modelInfer(
        request: ServerRequest<Inference_ModelInferRequest>, context: ServerContext
    ) async throws -> ServerResponse<Inference_ModelInferResponse> {
        try await answer("ModelInfer") {
            // Raw-content validation and decoding come first, then the model lookup (KServe's order).
            let inferRequest = try InferRequest(grpc: request.message)
            // A registered model that is not ready is loaded first (spec §7.8). Response headers a model adds have no
            // gRPC counterpart in KServe and are dropped.
            let (response, _) = try await dataPlane.infer(
                inferRequest, headers: Self.headers(from: request.metadata), loadingIfNeeded: true)
            return try response.grpcMessage()
        }
    }

    // MARK: Repository extension

    func repositoryModelLoad(
        request: ServerRequest<Inference_RepositoryModelLoadRequest>, context: ServerContext
    ) async throws -> ServerResponse<Inference_RepositoryModelLoadResponse> {
        try await answer("RepositoryModelLoad") {
            try await dataPlane.load(request.message.modelName)
            var response = Inference_RepositoryModelLoadResponse()
            response.modelName = request.message.modelName
            response.isLoaded = true
            return response
        }
    }

    func repositoryModelUnload(
        request: ServerRequest<Inference_RepositoryModelUnloadRequest>, context: ServerContext
    ) async throws -> ServerResponse<Inference_RepositoryModelUnloadResponse> {
        try await answer("RepositoryModelUnload") {
            try await dataPlane.unload(request.message.modelName)
            var response = Inference_RepositoryModelUnloadResponse()
            response.modelName = request.message.modelName
            response.isUnloaded = true
            return response
        }
    }

    // MARK: Registration

    /// Registers every RPC with protobuf coding wrapped in the message-size checks.
    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        typealias Method = Inference_GRPCInferenceService.Method
        register(Method.ServerLive.descriptor, in: &router, serverLive(request:context:))
        register(Method.ServerReady.descriptor, in: &router, serverReady(request:context:))
        register(Method.ModelReady.descriptor, in: &router, modelReady(request:context:))
        register(Method.ServerMetadata.descriptor, in: &router, serverMetadata(request:context:))
        register(Method.ModelMetadata.descriptor, in: &router, modelMetadata(request:context:))
        register(Method.ModelInfer.descriptor, in: &router, modelInfer(request:context:))
        register(Method.RepositoryModelLoad.descriptor, in: &router, repositoryModelLoad(request:context:))
        register(Method.RepositoryModelUnload.descriptor, in: &router, repositoryModelUnload(request:context:))
    }

    private func register<Input, Output, Transport: ServerTransport>(
        _ method: MethodDescriptor, in router: inout RPCRouter<Transport>,
        _ handler: @escaping @Sendable (ServerRequest<Input>, ServerContext) async throws -> ServerResponse<Output>
    ) where Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message {
        router.registerHandler(
            forMethod: method,
            deserializer: SizeLimitedDeserializer(base: ProtobufDeserializer<Input>(), limit: maxReceiveMessageLength),
            serializer: SizeLimitedSerializer(base: ProtobufSerializer<Output>(), limit: maxSendMessageLength)
        ) { request, context in
            StreamingServerResponse(single: try await handler(ServerRequest(stream: request), context))
        }
    }

    // MARK: Helpers

    /// Runs one RPC body, turning its failure into the RPC's status: an `InferenceError` by its code, anything else
    /// into `INTERNAL` `Internal server error` after logging it.
    private func answer<Output: Sendable>(
        _ method: String, _ body: () async throws -> Output
    ) async throws(RPCError) -> ServerResponse<Output> {
        do {
            return ServerResponse(message: try await body())
        } catch let error as InferenceError {
            let rpcError = RPCError(error)
            let level: Logger.Level = rpcError.code == .internalError ? .error : .debug
            logger.log(level: level, "\(method) failed: \(error)", metadata: ["grpc.status": "\(rpcError.code)"])
            throw rpcError
        } catch let error as RPCError {
            throw error
        } catch {
            logger.error("\(method) failed with an unexpected error: \(String(reflecting: error))")
            throw RPCError(code: .internalError, message: "Internal server error", cause: error)
        }
    }

    /// The invocation metadata as the model's headers: string values under lower-cased keys, the last value of a
    /// repeated key winning (as Python's `dict(context.invocation_metadata())`); binary (`-bin`) values are skipped.
    static func headers(from metadata: Metadata) -> [String: String] {
        var headers: [String: String] = [:]
        for (key, value) in metadata {
            guard case .string(let string) = value else { continue }
            headers[key.lowercased()] = string
        }
        return headers
    }

    private static func message(for tensor: TensorMetadata) -> Inference_ModelMetadataResponse.TensorMetadata {
        var message = Inference_ModelMetadataResponse.TensorMetadata()
        message.name = tensor.name
        message.datatype = tensor.datatype.rawValue
        message.shape = tensor.shape.map(Int64.init)
        return message
    }
}

/// A deserializer that fails with `RESOURCE_EXHAUSTED` when a request message is larger than `limit`, with the
/// wording of grpc core's receive-size check.
private struct SizeLimitedDeserializer<Base: MessageDeserializer>: MessageDeserializer {
    let base: Base
    let limit: Int

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Base.Message {
        guard serializedMessageBytes.count <= limit else {
            throw RPCError(
                code: .resourceExhausted, message: "Received message larger than max (\(serializedMessageBytes.count) vs. \(limit))")
        }
        return try base.deserialize(serializedMessageBytes)
    }
}

/// A serializer that fails with `RESOURCE_EXHAUSTED` when a serialized message is larger than `limit`, with the
/// wording of grpc core's send-size check.
private struct SizeLimitedSerializer<Base: MessageSerializer>: MessageSerializer {
    let base: Base
    let limit: Int

    func serialize<Bytes: GRPCContiguousBytes>(_ message: Base.Message) throws -> Bytes {
        let bytes: Bytes = try base.serialize(message)
        guard bytes.count <= limit else {
            throw RPCError(code: .resourceExhausted, message: "Sent message larger than max (\(bytes.count) vs. \(limit))")
        }
        return bytes
    }
}
