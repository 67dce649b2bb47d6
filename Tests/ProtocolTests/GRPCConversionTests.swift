import Foundation
import SwiftProtobuf
import Testing

@testable import InferenceProtocol

@Suite struct GRPCConversionTests {
    @Test(arguments: Datatype.allCases, [true, false])
    func everyDatatypeRoundTripsThroughGRPC(_ datatype: Datatype, _ raw: Bool) throws {
        let tensor = try SampleTensors.tensor(datatype, name: "input-0")
        let request = InferRequest(
            id: "7", modelName: "m", inputs: [tensor], parameters: ["p": "v", "n": 3, "b": true],
            requestedOutputs: [RequestedOutput(name: "output-0", parameters: ["binary_data": true])])
        // Through the wire format too, not only the message structs.
        let message = try request.grpcMessage(rawContents: raw)
        let decoded = try InferRequest(grpc: Inference_ModelInferRequest(serializedBytes: try message.serializedBytes() as [UInt8]))
        #expect(decoded.inputs == [tensor])
        #expect(decoded.id == "7" && decoded.parameters == request.parameters && decoded.requestedOutputs == request.requestedOutputs)
        #expect(decoded.useBinaryOutputs == (raw || datatype == .fp16))
        var response = InferResponse(answering: decoded, outputs: [tensor])
        response.requestedOutputs = []
        let back = try InferResponse(grpc: Inference_ModelInferResponse(serializedBytes: try response.grpcMessage().serializedBytes() as [UInt8]))
        #expect(back.outputs == [tensor])
        #expect(back.id == "7")
    }

    @Test func nonUTF8BytesSurviveGRPC() throws {
        let tensor = try InferTensor(name: "b", shape: [2], byteElements: [[0xff, 0xfe], [0x00]])
        for raw in [true, false] {
            let decoded = try InferRequest(grpc: try InferRequest(modelName: "m", inputs: [tensor]).grpcMessage(rawContents: raw))
            #expect(try decoded.inputs[0].byteElements() == [[0xff, 0xfe], [0x00]])
        }
    }

    @Test func rawContentsCountMustMatch() {
        var message = Inference_ModelInferRequest()
        message.modelName = "m"
        var input = Inference_ModelInferRequest.InferInputTensor()
        input.name = "a"
        input.datatype = "INT32"
        input.shape = [1]
        message.inputs = [input, input]
        message.rawInputContents = [Data([1, 0, 0, 0])]
        #expect(
            expectInferenceError { _ = try InferRequest(grpc: message) }?.message
                == "the number of inputs (2) does not match the expected number of raw input contents (1) for model 'm'.")
        message.inputs = [input]
        message.inputs[0].contents.intContents = [1]
        #expect(
            expectInferenceError { _ = try InferRequest(grpc: message) }?.message
                == "contents field must not be specified when using raw_input_contents for input 'a' for model 'm'")
    }

    @Test func narrowIntegersAreRangeChecked() {
        var message = Inference_ModelInferRequest()
        var input = Inference_ModelInferRequest.InferInputTensor()
        input.name = "u"
        input.datatype = "UINT8"
        input.shape = [1]
        input.contents.uintContents = [256]
        message.inputs = [input]
        #expect(expectInferenceError { _ = try InferRequest(grpc: message) }?.message == "value 256 is out of range for the UINT8 tensor 'u'")
    }

    @Test func doubleParametersCannotGoToKServeGRPC() throws {
        let request = InferRequest(modelName: "m", inputs: [], parameters: ["f": 1.5])
        #expect(expectInferenceError { _ = try request.grpcMessage() }?.message == "to_grpc: invalid parameter value: 1.5")
    }

    /// test_grpc_server.py::test_grpc_fp16_output: any FP16 output makes every output raw, with binary_data_size.
    @Test func fp16OutputMakesAllOutputsRaw() throws {
        let values: [Float] = [6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6]
        let response = InferResponse(
            id: "1", modelName: "m",
            outputs: [
                try InferOutput(name: "fp16_output", shape: [8], values: values.map { Float16($0) }),
                try InferOutput(name: "fp32_output", shape: [8], values: values),
            ])
        let message = try response.grpcMessage()
        #expect(
            message.rawOutputContents.map { $0.base64EncodedString() }
                == ["zUaaQc1Emj0ARs1CgERmPg==", "mpnZQDMzM0CamZlAMzOzPwAAwECamVlAAACQQM3MzD8="])
        #expect(message.outputs.map { $0.parameters["binary_data_size"]?.int64Param } == [16, 32])
        #expect(message.outputs.allSatisfy { !$0.hasContents })
    }

    @Test func typedResponseHasNoBinaryParameters() throws {
        let response = InferResponse(id: "1", modelName: "m", outputs: [try InferOutput(name: "o", shape: [2], values: [1, 2] as [Int32])])
        let message = try response.grpcMessage()
        #expect(message.rawOutputContents.isEmpty)
        #expect(message.outputs[0].contents.intContents == [1, 2])
        #expect(message.outputs[0].parameters.isEmpty)
    }
}
