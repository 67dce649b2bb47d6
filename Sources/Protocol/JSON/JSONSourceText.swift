/// The text that the large arrays of numbers in a JSON document had when it was read, so that writing one of them
/// again, untouched, copies its text instead of printing every number anew.
///
/// A v1 model usually passes its `instances` on or answers with arrays it was given: printing 100,000 floats costs
/// about 10 ms, copying their text about 0.1 ms. REST v2 tensors get the same from ``JSONTensorText``; a v1 payload
/// is a plain ``JSONValue``, so its arrays are recognised by the address of their storage instead:
/// - the source keeps every array it recorded alive, so a recorded storage is not freed (and its address not
///   reused) while the source lives, even when the document dropped the array again (a repeated object key);
/// - that storage is therefore always shared, so any change a model makes to an array copies it first
///   (copy-on-write), and the changed array has an address of its own, which is not recorded.
///
/// Only arrays whose elements are all finite numbers, or arrays of such arrays, are recorded, and only from
/// ``minimumLength`` bytes of text: their text means the values the model was given, and anything the writer would
/// turn into something else (strings it may escape differently; `NaN` and infinities, which it writes as `null`) is
/// always printed anew. Integers beyond `Int`, which a model sees as `Double`, keep their exact digits in the
/// copied text, as Python's KServe keeps them.
package final class JSONSourceText: Sendable {
    /// Arrays with less text than this are printed anew: the copy would save less than the table costs.
    package static let minimumLength = 256

    private let text: TensorBuffer
    /// Keeps every recorded storage alive and shared (see the type's documentation).
    private let arrays: [[JSONValue]]
    /// Where each recorded array's text lies in `text`, by the address of the array's storage.
    private let spans: [UInt: Span]

    /// Where an array's text lies, and how many elements the array had.
    struct Span {
        let range: Range<Int>
        let count: Int
    }

    /// The arrays a reader recorded while reading one document.
    struct Recorder {
        private(set) var spans: [UInt: Span] = [:]
        /// The recorded arrays themselves, so that their storage outlives the reading of the document.
        private(set) var arrays: [[JSONValue]] = []

        /// Records `elements`, whose text spans `range` of the document.
        mutating func record(_ elements: [JSONValue], text range: Range<Int>) {
            guard let address = JSONSourceText.address(of: elements) else { return }
            spans[address] = Span(range: range, count: elements.count)
            arrays.append(elements)
        }
    }

    /// A source for a document read from `document`, with the arrays `recorder` recorded; `nil` when it recorded
    /// none. The text is shared with `owner` when one is given (it keeps `document` alive), else copied.
    init?(document: UnsafeRawBufferPointer, recorder: Recorder, sharingWith owner: (any AnyObject & Sendable)?) {
        guard !recorder.spans.isEmpty else { return nil }
        self.text = owner.map { TensorBuffer.borrowing(document, keepingAlive: $0) } ?? TensorBuffer.copying(document)
        self.arrays = recorder.arrays
        self.spans = recorder.spans
    }

    /// The text `elements` had when read, if they are a recorded array that nothing has changed since.
    func text(of elements: [JSONValue]) -> UnsafeRawBufferPointer? {
        guard let address = JSONSourceText.address(of: elements), let span = spans[address], span.count == elements.count else { return nil }
        return UnsafeRawBufferPointer(rebasing: text.bytes[span.range])
    }

    /// The address of an array's storage; `nil` for an empty array (all of them share one).
    private static func address(of elements: [JSONValue]) -> UInt? {
        guard !elements.isEmpty else { return nil }
        return elements.withUnsafeBufferPointer { $0.baseAddress.map { UInt(bitPattern: $0) } }
    }
}
