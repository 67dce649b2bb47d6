internal import Foundation

/// glibc allocator settings for tensor-sized buffers.
///
/// By default glibc serves every allocation over 128 KiB with a fresh `mmap` (the threshold then adapts, per
/// process, only as such blocks are freed) and returns freed heap tops to the kernel past 128 KiB: a transformer
/// handling 1 MB tensors then pays a page fault for every 4 KiB of every buffer of every request (about 120
/// faults per 1 MB binary request; `scripts/profile-transformer binary1m` prints the faults per request). Serving blocks up to 16 MiB from the heap
/// and keeping up to 32 MiB of free heap halves that and keeps larger tensors on `mmap`. Settings given through
/// glibc's own environment variables win.
enum MallocTuning {
    /// Applies the settings once, before the server allocates request buffers.
    static func apply(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if environment["MALLOC_MMAP_THRESHOLD_"] == nil { _ = glibcMallopt(mmapThreshold, 16 << 20) }
        if environment["MALLOC_TRIM_THRESHOLD_"] == nil { _ = glibcMallopt(trimThreshold, 32 << 20) }
    }

    /// `M_TRIM_THRESHOLD` and `M_MMAP_THRESHOLD` from glibc's `<malloc.h>`, which the Glibc module does not import.
    private static let trimThreshold: Int32 = -1
    private static let mmapThreshold: Int32 = -3
}

/// glibc's `int mallopt(int param, int value)`.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
