extension InferRequest {
    /// Decodes a v2 JSON request body (`POST /v2/models/{m}/infer` without the binary extension).
    /// - Parameters:
    ///   - json: The body, UTF-8 JSON.
    ///   - modelName: The model named in the URL (the body's `model_name`, if any, is ignored as in KServe).
    /// - Throws: `invalidRequestBody` (422) when the JSON does not parse or does not match the request schema;
    ///   `invalidInput` (400) for content errors (shape/data mismatch, FP16 in JSON, out-of-range values).
    public init(json: UnsafeRawBufferPointer, modelName: String) throws(InferenceError) {
        self = try InferRequest.decode(json: json, binary: nil, modelName: modelName, owner: nil)
    }

    /// Decodes a v2 JSON request body whose memory `owner` keeps alive and unchanged: tensors kept as text
    /// share it instead of copying it (the tensors keep `owner`).
    package init(json: UnsafeRawBufferPointer, modelName: String, sharingWith owner: any AnyObject & Sendable) throws(InferenceError) {
        self = try InferRequest.decode(json: json, binary: nil, modelName: modelName, owner: owner)
    }

    /// Decodes a v2 body that uses the binary tensor extension: `jsonLength` bytes of JSON (the
    /// `Inference-Header-Content-Length` header), then the bytes of every input that has `binary_data_size`,
    /// in input order. Each binary tensor is copied once, from the body into the tensor.
    /// - Throws: `invalidInput` (400) for every malformed case: unparsable JSON (`Unrecognized request format: ...`),
    ///   a header length past the body, missing data, too few bytes, a size that does not fit the shape.
    public init(body: UnsafeRawBufferPointer, jsonLength: Int, modelName: String) throws(InferenceError) {
        try self.init(body: body, jsonLength: jsonLength, modelName: modelName, owner: nil)
    }

    /// Decodes a binary-extension body whose memory `owner` keeps alive and unchanged: fixed-width binary tensors
    /// (and tensors kept as text) share it instead of copying it (the tensors keep `owner`).
    package init(
        body: UnsafeRawBufferPointer, jsonLength: Int, modelName: String, sharingWith owner: any AnyObject & Sendable
    ) throws(InferenceError) {
        try self.init(body: body, jsonLength: jsonLength, modelName: modelName, owner: owner)
    }

    private init(
        body: UnsafeRawBufferPointer, jsonLength: Int, modelName: String, owner: (any AnyObject & Sendable)?
    ) throws(InferenceError) {
        guard jsonLength >= 0, jsonLength <= body.count else {
            throw .invalidInput(
                "Inference-Header-Content-Length \(jsonLength) is outside the body of \(body.count) bytes"
            )
        }
        let json = UnsafeRawBufferPointer(rebasing: body[0..<jsonLength])
        let binary = UnsafeRawBufferPointer(rebasing: body[jsonLength...])
        do {
            self = try InferRequest.decode(json: json, binary: binary, modelName: modelName, owner: owner)
        } catch  where error.code == .invalidRequestBody {
            throw .invalidInput("Unrecognized request format: \(error.message)")
        }
    }

    /// Decodes a JSON body held in an array; tensors kept as text share the array's storage.
    public init(json: [UInt8], modelName: String) throws(InferenceError) {
        let owner = SharedBytes(json)
        self = try withBytes(of: owner.bytes) { (bytes) throws(InferenceError) in
            try InferRequest.decode(json: bytes, binary: nil, modelName: modelName, owner: owner)
        }
    }

    /// Decodes a binary-extension body held in an array; fixed-width binary tensors share the array's storage.
    public init(body: [UInt8], jsonLength: Int, modelName: String) throws(InferenceError) {
        let owner = SharedBytes(body)
        self = try withBytes(of: owner.bytes) { (bytes) throws(InferenceError) in
            try InferRequest(body: bytes, jsonLength: jsonLength, modelName: modelName, owner: owner)
        }
    }

    private static func decode(
        json: UnsafeRawBufferPointer, binary: UnsafeRawBufferPointer?, modelName: String, owner: (any AnyObject & Sendable)?
    ) throws(InferenceError) -> InferRequest {
        do {
            return try decodeDocument(json: json, binary: binary, modelName: modelName, owner: owner)
        } catch  where error.code != .invalidRequestBody {
            // Python parses the whole document before looking at its content: a syntax error anywhere wins over a
            // content error found earlier (e.g. FP16 data in a truncated body).
            var reader = JSONReader(json)
            try reader.skipValue()
            try reader.expectEnd()
            throw error
        }
    }

    private static func decodeDocument(
        json: UnsafeRawBufferPointer, binary: UnsafeRawBufferPointer?, modelName: String, owner: (any AnyObject & Sendable)?
    ) throws(InferenceError) -> InferRequest {
        var reader = JSONReader(json)
        reader.owner = owner
        var id: String?
        var parameters = InferParameters()
        var headers: [TensorHeader]?
        var outputs: [RequestedOutput] = []
        guard reader.peek() == UInt8(ascii: "{") else { throw reader.error("the request body must be a JSON object") }
        try reader.readObject { (reader, key) throws(InferenceError) in
            switch key {
            case "id": id = try reader.consumeNull() ? nil : reader.readString()
            case "parameters": parameters = try InferParameters.read(from: &reader)
            case "inputs":
                guard reader.peek() == UInt8(ascii: "[") else { throw reader.error("'inputs' must be a list") }
                var list: [TensorHeader] = []
                try reader.readArray { (reader) throws(InferenceError) in
                    list.append(
                        try TensorHeader.read(from: &reader, index: list.count, role: "input", fp16Verb: binary == nil ? "Sending" : "Receiving"))
                }
                headers = list
            case "outputs":
                if try reader.consumeNull() { return }
                try reader.readArray { (reader) throws(InferenceError) in outputs.append(try RequestedOutput.read(from: &reader)) }
            default: try reader.skipValue()
            }
        }
        try reader.expectEnd()
        guard let headers else { throw reader.error("the request has no 'inputs'") }

        var binaryReader = BinarySectionReader(
            binary ?? UnsafeRawBufferPointer(start: nil, count: 0), model: modelName, sharingWith: owner)
        var inputs: [InferInput] = []
        inputs.reserveCapacity(headers.count)
        for header in headers {
            inputs.append(try binaryReader.resolve(header, role: "input", isBinaryBody: binary != nil))
        }
        return InferRequest(id: id, modelName: modelName, inputs: inputs, parameters: parameters, requestedOutputs: outputs)
    }
}

extension RequestedOutput {
    static func read(from reader: inout JSONReader) throws(InferenceError) -> RequestedOutput {
        var name: String?
        var parameters = InferParameters()
        try reader.readObject { (reader, key) throws(InferenceError) in
            switch key {
            case "name": name = try reader.readString()
            case "parameters": parameters = try InferParameters.read(from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let name else { throw reader.error("a requested output has no 'name'") }
        return RequestedOutput(name: name, parameters: parameters)
    }
}

extension InferRequest {
    /// The body a transformer sends to a v2 REST predictor (KServe's `InferRequest.to_rest`): keys
    /// `id, model_name, inputs[, outputs][, parameters]`, a fresh UUID when the request has no id.
    /// - Parameter binaryInputs: Send every input in binary form (the binary tensor extension). FP16 inputs, which
    ///   JSON cannot carry, and BYTES inputs that are not UTF-8 always go binary.
    /// - Throws: `invalidInput` if a tensor cannot be encoded.
    public func restBody(binaryInputs: Bool) throws(InferenceError) -> RESTBody {
        try restBody { _ in binaryInputs }
    }

    /// The body a transformer sends to a v2 REST predictor, choosing the form of each input.
    /// - Parameter sendsBinary: Whether an input goes in binary form; FP16 inputs and BYTES inputs that are not
    ///   UTF-8 go binary whatever it answers, and inputs still in the JSON text they arrived in (arrays of plain
    ///   numbers nobody has read) go as that text: copying it is cheaper than decoding it.
    /// - Throws: `invalidInput` if a tensor cannot be encoded.
    public func restBody(binaryInput sendsBinary: (InferInput) -> Bool) throws(InferenceError) -> RESTBody {
        let binaryFlags = inputs.map { input in input.isJSONText ? false : sendsBinary(input) || input.requiresBinaryForm }
        // A binary input adds only its header to the JSON (its bytes travel after it): reserving its JSON size
        // would keep about 20 bytes per FP32 element allocated for the whole call (5 MB for a 1 MB tensor).
        let estimate = zip(inputs, binaryFlags).reduce(256) { $0 + ($1.1 ? 64 : $1.0.estimatedJSONSize) }
        var writer = JSONWriter(reservingCapacity: estimate)
        writer.append(UInt8(ascii: "{"))
        writer.plainKey("id")
        writer.writeString(id ?? InferResponse.newID())
        writer.comma()
        writer.plainKey("model_name")
        writer.writeString(modelName)
        writer.comma()
        writer.plainKey("inputs")
        writer.append(UInt8(ascii: "["))
        for (index, input) in inputs.enumerated() {
            if index > 0 { writer.comma() }
            try writer.writeWireTensor(input, binary: binaryFlags[index], role: "input")
        }
        writer.append(UInt8(ascii: "]"))
        if !requestedOutputs.isEmpty {
            writer.comma()
            writer.plainKey("outputs")
            writer.append(UInt8(ascii: "["))
            for (index, output) in requestedOutputs.enumerated() {
                if index > 0 { writer.comma() }
                writer.append(UInt8(ascii: "{"))
                writer.plainKey("name")
                writer.writeString(output.name)
                if !output.parameters.isEmpty {
                    writer.comma()
                    writer.plainKey("parameters")
                    writer.writeParameters(output.parameters)
                }
                writer.append(UInt8(ascii: "}"))
            }
            writer.append(UInt8(ascii: "]"))
        }
        if !parameters.isEmpty {
            writer.comma()
            writer.plainKey("parameters")
            writer.writeParameters(parameters)
        }
        writer.append(UInt8(ascii: "}"))
        guard binaryFlags.contains(true) else { return RESTBody(bytes: writer.bytes, jsonLength: nil) }
        return RESTBody(json: writer.bytes, binaryTensors: inputs.indices.filter { binaryFlags[$0] }.map { inputs[$0] })
    }
}

extension InferTensor {
    /// FP16, and BYTES holding non-UTF-8 elements, cannot travel as JSON.
    var requiresBinaryForm: Bool {
        switch data {
        case .fixed: datatype == .fp16
        case .bytes(let elements): elements.contains { String(validating: $0, as: UTF8.self) == nil }
        case .jsonText: false
        }
    }

    /// Whether the elements are still the JSON text they arrived in.
    var isJSONText: Bool {
        if case .jsonText = data { return true }
        return false
    }
}
