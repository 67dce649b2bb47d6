/// Decimal to binary64 conversion of a scanned number `w × 10^q` (`w` a 64-bit integer), correctly rounded to
/// nearest, ties to even, as the standard library's parser does.
///
/// Two steps, as in Lemire's fast_float: Clinger's fast path when `w` and `10^|q|` are both exact `Double`s (one
/// correctly rounded multiplication or division), else the Eisel–Lemire algorithm, which multiplies `w` by a
/// 128-bit approximation of `5^q` (``powersOfFive``) and reads the result off the high bits. Eisel–Lemire is exact
/// for every 64-bit `w` (Mushtak and Lemire, "Fast number parsing without fallback", 2023); it still answers `nil`
/// in the one case older proofs could not settle, so that the caller's full parser decides.
enum FastFloat {
    /// `10^0 ... 10^22`: the powers of ten that a `Double` holds exactly. A literal, so it is statically
    /// initialised (no `swift_once` on access).
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    /// The `Double` nearest to `w × 10^q` (ties to even), or `nil` when this cannot decide it cheaply.
    /// - Parameters:
    ///   - w: The decimal significand, exact.
    ///   - q: The decimal exponent.
    @inline(__always)
    static func double(significand w: UInt64, exponent q: Int) -> Double? {
        if w <= 1 << 53, q >= -22, q <= 22 {
            // Clinger: both operands are exact, so the one IEEE operation rounds correctly.
            let value = Double(w)
            return q < 0 ? value / exactPowersOfTen[-q] : value * exactPowersOfTen[q]
        }
        return eiselLemire(w, q)
    }

    /// The `Double` nearest to `w × 10^q` when only the leading digits `w` of the significand are known: the true
    /// value lies in `[w, w + 1) × 10^q`. Answers when both ends round to the same `Double` (rounding is
    /// monotonic), else `nil`.
    static func double(truncatedSignificand w: UInt64, exponent q: Int) -> Double? {
        guard w < .max, let low = eiselLemire(w, q), let high = eiselLemire(w + 1, q), low == high else { return nil }
        return low
    }

    /// Eisel–Lemire (port of fast_float's `compute_float<binary64>`): the `Double` nearest to `w × 10^q`.
    static func eiselLemire(_ w: UInt64, _ q: Int) -> Double? {
        // w × 10^q < 2^64 × 10^-343 is below half the smallest subnormal; above 10^308 × 1 it overflows.
        if w == 0 || q < smallestPowerOfFive { return 0 }
        if q > largestPowerOfFive { return .infinity }
        let leadingZeros = w.leadingZeroBitCount
        let normalized = w << leadingZeros
        let index = 2 * (q - smallestPowerOfFive)
        // The product's top 64 bits plus 64 more; a second multiplication refines them only when the bits that
        // decide the rounding (below the 55 kept ones) are all ones.
        var (high, low) = normalized.multipliedFullWidth(by: powersOfFive[index])
        if high & 0x1FF == 0x1FF {
            let (refinement, _) = normalized.multipliedFullWidth(by: powersOfFive[index + 1])
            let (sum, carry) = low.addingReportingOverflow(refinement)
            low = sum
            if carry { high &+= 1 }
        }
        if low == .max, q < -27 || q > 55 {
            return nil  // the classic algorithm's undecided case (never reached per the 2023 proof)
        }
        let upperBit = Int(high >> 63)
        let shift = upperBit + 64 - mantissaBits - 3
        var mantissa = high >> UInt64(shift)
        var power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperBit - leadingZeros + 1023
        if power2 <= 0 {
            // Subnormal (or zero): shift out the bits below the smallest exponent, then round half up.
            if -power2 + 1 >= 64 { return 0 }
            mantissa >>= UInt64(-power2 + 1)
            mantissa += mantissa & 1
            mantissa >>= 1
            // Rounding up may reach the smallest normal number: exponent field 1, fraction 0.
            power2 = mantissa < 1 << mantissaBits ? 0 : 1
            return Double(bitPattern: UInt64(power2) << UInt64(mantissaBits) | mantissa)
        }
        // Round half up, except on an exact tie (possible only for small |q|), which rounds to even.
        if low <= 1, q >= -4, q <= 23, mantissa & 3 == 1, mantissa << UInt64(shift) == high {
            mantissa &= ~1
        }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= 2 << mantissaBits {
            mantissa = 1 << mantissaBits
            power2 += 1
        }
        mantissa &= ~(1 << mantissaBits)
        if power2 >= 0x7FF { return .infinity }
        return Double(bitPattern: UInt64(power2) << UInt64(mantissaBits) | mantissa)
    }

    /// Explicit fraction bits of a binary64.
    private static let mantissaBits = 52
    /// The exponent range of ``powersOfFive``.
    static let smallestPowerOfFive = -342
    static let largestPowerOfFive = 308
}
