/// A Swift type that holds one element of a fixed-width tensor datatype.
///
/// Conforming types: `Bool` (BOOL), `UInt8`/`UInt16`/`UInt32`/`UInt64`, `Int8`/`Int16`/`Int32`/`Int64`,
/// `Float16` (FP16), `Float` (FP32) and `Double` (FP64). BYTES tensors are read as byte strings instead.
public protocol TensorElement: BitwiseCopyable, Sendable, Equatable {
    /// The wire datatype this Swift type stands for.
    static var datatype: Datatype { get }
}

extension Bool: TensorElement {
    /// `BOOL`.
    public static var datatype: Datatype { .bool }
}
extension UInt8: TensorElement {
    /// `UINT8`.
    public static var datatype: Datatype { .uint8 }
}
extension UInt16: TensorElement {
    /// `UINT16`.
    public static var datatype: Datatype { .uint16 }
}
extension UInt32: TensorElement {
    /// `UINT32`.
    public static var datatype: Datatype { .uint32 }
}
extension UInt64: TensorElement {
    /// `UINT64`.
    public static var datatype: Datatype { .uint64 }
}
extension Int8: TensorElement {
    /// `INT8`.
    public static var datatype: Datatype { .int8 }
}
extension Int16: TensorElement {
    /// `INT16`.
    public static var datatype: Datatype { .int16 }
}
extension Int32: TensorElement {
    /// `INT32`.
    public static var datatype: Datatype { .int32 }
}
extension Int64: TensorElement {
    /// `INT64`.
    public static var datatype: Datatype { .int64 }
}
extension Float16: TensorElement {
    /// `FP16`.
    public static var datatype: Datatype { .fp16 }
}
extension Float: TensorElement {
    /// `FP32`.
    public static var datatype: Datatype { .fp32 }
}
extension Double: TensorElement {
    /// `FP64`.
    public static var datatype: Datatype { .fp64 }
}

#if _endian(big)
#error("swift-kserve stores tensors in little-endian byte order and supports little-endian machines only")
#endif
