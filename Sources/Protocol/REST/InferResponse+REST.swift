extension InferResponse {
    /// The REST body a server answers `POST /v2/models/{m}/infer` with.
    ///
    /// Output selection: when ``requestedOutputs`` is non-empty only those outputs are emitted, in that order;
    /// an output is binary if its `binary_data` parameter says so, else if ``useBinaryOutputs`` is set (the
    /// documented OIP rule; KServe 0.20 ignores `binary_data_output` when an `outputs` list is given).
    /// With no binary output the body is JSON in KServe's response-schema form (§2.6: keys
    /// `model_name, model_version, id, parameters, outputs`, absent values as explicit `null`); otherwise it is
    /// the binary extension (§5.3: keys `id, model_name, model_version, outputs[, parameters]`).
    /// - Throws: `invalidInput` for a requested output the model did not produce, FP16 in JSON, or BYTES that
    ///   are not UTF-8 in JSON.
    public func restBody() throws(InferenceError) -> RESTBody {
        let selected = try selectedOutputs()
        guard selected.contains(where: \.binary) else { return try schemaJSONBody(selected.map(\.tensor)) }
        var writer = JSONWriter(reservingCapacity: 256 + selected.reduce(0) { $0 + ($1.binary ? 64 : $1.tensor.estimatedJSONSize) })
        writer.append(UInt8(ascii: "{"))
        writer.plainKey("id")
        writer.writeString(id)
        writer.comma()
        writer.plainKey("model_name")
        writer.writeString(modelName)
        writer.comma()
        writer.plainKey("model_version")
        writer.writeOptionalString(modelVersion)
        writer.comma()
        writer.plainKey("outputs")
        writer.append(UInt8(ascii: "["))
        for (index, output) in selected.enumerated() {
            if index > 0 { writer.comma() }
            try writer.writeWireTensor(output.tensor, binary: output.binary, role: "output")
        }
        writer.append(UInt8(ascii: "]"))
        if !parameters.isEmpty {
            writer.comma()
            writer.plainKey("parameters")
            writer.writeParameters(parameters)
        }
        writer.append(UInt8(ascii: "}"))
        return RESTBody(json: writer.bytes, binaryTensors: selected.filter(\.binary).map(\.tensor))
    }

    /// The outputs to emit and whether each goes binary.
    private func selectedOutputs() throws(InferenceError) -> [(tensor: InferOutput, binary: Bool)] {
        guard !requestedOutputs.isEmpty else { return outputs.map { ($0, useBinaryOutputs) } }
        return try requestedOutputs.map { (requested) throws(InferenceError) in
            guard let tensor = output(named: requested.name) else {
                throw .invalidInput("Unexpected inference output '\(requested.name)' for model '\(modelName)'")
            }
            return (tensor, requested.binaryData ?? useBinaryOutputs)
        }
    }

    /// §2.6: the JSON response as FastAPI's response schema writes it.
    private func schemaJSONBody(_ tensors: [InferOutput]) throws(InferenceError) -> RESTBody {
        var writer = JSONWriter(reservingCapacity: 256 + tensors.reduce(0) { $0 + $1.estimatedJSONSize })
        writer.append(UInt8(ascii: "{"))
        writer.plainKey("model_name")
        writer.writeString(modelName)
        writer.comma()
        writer.plainKey("model_version")
        writer.writeOptionalString(modelVersion)
        writer.comma()
        writer.plainKey("id")
        writer.writeString(id)
        writer.comma()
        writer.plainKey("parameters")
        if parameters.isEmpty { writer.writeNull() } else { writer.writeParameters(parameters) }
        writer.comma()
        writer.plainKey("outputs")
        writer.append(UInt8(ascii: "["))
        for (index, tensor) in tensors.enumerated() {
            if index > 0 { writer.comma() }
            writer.append(UInt8(ascii: "{"))
            writer.plainKey("name")
            writer.writeString(tensor.name)
            writer.comma()
            writer.plainKey("shape")
            writer.writeShape(tensor.shape)
            writer.comma()
            writer.plainKey("datatype")
            writer.writeString(tensor.datatype.rawValue)
            writer.comma()
            writer.plainKey("parameters")
            if tensor.parameters.isEmpty { writer.writeNull() } else { writer.writeParameters(tensor.parameters) }
            writer.comma()
            writer.plainKey("data")
            try writer.writeTensorData(tensor, role: "output")
            writer.append(UInt8(ascii: "}"))
        }
        writer.append("]}")
        return RESTBody(bytes: writer.bytes, jsonLength: nil)
    }

    /// Decodes a v2 REST response body (what a predictor answers): plain JSON when `jsonLength` is `nil`, else
    /// the binary extension with that many JSON bytes. Binary outputs become ordinary tensors.
    /// - Throws: `invalidInput` (`Unrecognized request format: ...` for JSON that does not parse) for any
    ///   malformed body.
    public init(body: UnsafeRawBufferPointer, jsonLength: Int?) throws(InferenceError) {
        try self.init(body: body, jsonLength: jsonLength, owner: nil)
    }

    /// Decodes a v2 REST response body whose memory `owner` keeps alive and unchanged: fixed-width binary outputs
    /// (and large outputs kept as text) share it instead of copying it (the tensors keep `owner`).
    package init(body: UnsafeRawBufferPointer, jsonLength: Int?, sharingWith owner: any AnyObject & Sendable) throws(InferenceError) {
        try self.init(body: body, jsonLength: jsonLength, owner: owner)
    }

    private init(body: UnsafeRawBufferPointer, jsonLength: Int?, owner: (any AnyObject & Sendable)?) throws(InferenceError) {
        let length = jsonLength ?? body.count
        guard length >= 0, length <= body.count else {
            throw .invalidInput("Inference-Header-Content-Length \(length) is outside the body of \(body.count) bytes")
        }
        var reader = JSONReader(UnsafeRawBufferPointer(rebasing: body[0..<length]))
        reader.owner = owner
        var id: String?
        var modelName = ""
        var modelVersion: String?
        var parameters = InferParameters()
        var headers: [TensorHeader] = []
        do throws(InferenceError) {
            guard reader.peek() == UInt8(ascii: "{") else { throw reader.error("the response body must be a JSON object") }
            try reader.readObject { (reader, key) throws(InferenceError) in
                switch key {
                case "id": id = try reader.consumeNull() ? nil : reader.readString()
                case "model_name": modelName = try reader.consumeNull() ? "" : reader.readString()
                case "model_version": modelVersion = try reader.consumeNull() ? nil : reader.readString()
                case "parameters": parameters = try InferParameters.read(from: &reader)
                case "outputs":
                    try reader.readArray { (reader) throws(InferenceError) in
                        headers.append(try TensorHeader.read(from: &reader, index: headers.count, role: "output"))
                    }
                default: try reader.skipValue()
                }
            }
            try reader.expectEnd()
        } catch  where error.code == .invalidRequestBody {
            throw .invalidInput("Unrecognized request format: \(error.message)")
        }
        var binary = BinarySectionReader(UnsafeRawBufferPointer(rebasing: body[length...]), model: modelName, sharingWith: owner)
        var outputs: [InferOutput] = []
        for header in headers {
            do throws(InferenceError) {
                outputs.append(try binary.resolve(header, role: "output", isBinaryBody: true))
            } catch {
                throw .invalidInput(error.message)
            }
        }
        self.init(id: id ?? "", modelName: modelName, modelVersion: modelVersion, outputs: outputs, parameters: parameters)
    }

    /// Decodes a v2 REST response body held in an array; fixed-width binary outputs (and large outputs kept as
    /// text) share the array's storage instead of copying it.
    public init(body: [UInt8], jsonLength: Int?) throws(InferenceError) {
        let owner = SharedBytes(body)
        self = try withBytes(of: owner.bytes) { (bytes) throws(InferenceError) in
            try InferResponse(body: bytes, jsonLength: jsonLength, owner: owner)
        }
    }
}

extension JSONWriter {
    /// A tensor entry of the binary-extension JSON part or of a request's `to_rest` JSON: `name, shape, datatype`,
    /// `parameters` if any (with `binary_data_size` for a binary tensor), and `data` for a JSON tensor.
    mutating func writeWireTensor(_ tensor: InferTensor, binary: Bool, role: String) throws(InferenceError) {
        append(UInt8(ascii: "{"))
        plainKey("name")
        writeString(tensor.name)
        comma()
        plainKey("shape")
        writeShape(tensor.shape)
        comma()
        plainKey("datatype")
        writeString(tensor.datatype.rawValue)
        var parameters = tensor.parameters
        if binary { parameters["binary_data_size"] = .int64(Int64(tensor.binaryByteCount)) }
        if !parameters.isEmpty {
            comma()
            plainKey("parameters")
            writeParameters(parameters)
        }
        if !binary {
            comma()
            plainKey("data")
            try writeTensorData(tensor, role: role)
        }
        append(UInt8(ascii: "}"))
    }
}
