// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {WAD} from "./ConstantsLib.sol";

/// @title NormalDistLib
/// @notice The standard normal CDF Φ and density φ in WAD fixed point, sharing one exponential.
/// @dev Approximation: Hart (1968), "Computer Approximations", algorithm 5666, in the form published
///      by G. West (2005), "Better approximations to cumulative normal functions", Wilmott Magazine,
///      figure 2:
///
///          Φ(−z) = e^{−z²/2} · P(z) / Q(z),   z = |x|,   P of degree 6, Q of degree 7,
///
///      with the coefficients below (West's decimals, stored ×2^64 and rounded to nearest). West
///      switches to a continued fraction for z ≥ 7.07; we keep the rational up to Z_LIMIT = 9, where
///      its relative error (≤ 4e-8, at z = 9) times Φ(−9) ≈ 1.1e-19 is far below one wei, and return
///      the exact limit beyond it (Φ(−9) < 1.2e-19 rounds to 0 in WAD).
///
///      Error bound (absolute, WAD): the rational's exact-arithmetic error is 4.1e-17 (at z ≈ 0.02,
///      measured against a 50-digit reference); the fixed-point evaluation adds at most 2 wei
///      (e^{−z²/2}, the library's own binary exponential, within 1 wei — see `cdfAndExp`; the final
///      floor division, 1 wei; the 2^-64 Horner steps, < 1e-21). |Φ − Φ_exact| ≤ 4.4e-17 everywhere; the differential test asserts ≤ 1e-16.
///      φ: |φ − φ_exact| ≤ 2 wei.
///
///      Rounding: Φ(−z) is floored, so Φ(x) rounds down for x ≤ 0 and up for x > 0, which makes
///      Φ(x) + Φ(−x) = 1 hold exactly (to the wei) and keeps Φ monotone. No result is rounded in
///      anyone's favour: Greeks size a hedge, they do not move value between parties.
///
///      Polynomials are evaluated by Horner's rule in a binary 2^-64 fixed-point basis (z < 9, so
///      every product stays below 2^160) and are never scaled back to decimal until the single final
///      division, which is what keeps the fixed-point error below the approximation's own.
library NormalDistLib {
    /// @dev 1.0 in the binary basis the polynomials are evaluated in.
    uint256 internal constant ONE_X64 = 1 << 64;
    /// @dev Beyond z = 9 the tail Φ(−z) < 1.2e-19 and the library returns the exact limits 0 and 1.
    uint256 internal constant Z_LIMIT_X64 = 9 << 64;
    /// @dev 1.0 in the exponential's binary basis.
    uint256 private constant ONE_X96 = 1 << 96;
    /// @dev 1/√(2π) × 2^64, rounded to nearest (0.398942280401432677939946059934…).
    uint256 internal constant INV_SQRT_2PI_X64 = 7359186146747302452;

    // The exponential e^{−z²/2} is evaluated here rather than by a general exp: its argument is
    // already binary (z in 2^-64), non-positive and above −40.5, so it needs no range checks and no
    // decimal conversions. y = z²/2 = k·ln 2 + ln2/2 − t with k = ⌊y / ln 2⌋ and |t| ≤ ln2/2, so
    // e^{−y} = 2^{−k} · 2^{−1/2} · e^{t}, and e^{t} is its Taylor series to t^14/14! in 2^-96 (the
    // terms left out are below 0.3466^15/15! = 9.6e-20 relative).
    /// @dev ln 2 and ln 2 / 2 × 2^96, rounded to nearest.
    uint256 private constant LN2_X96 = 54916777467707473351141471128;
    uint256 private constant HALF_LN2_X96 = 27458388733853736675570735564;
    /// @dev 1e18 / √2 × 2^64, rounded to nearest: the WAD output and the 2^{−1/2} in one factor.
    uint256 private constant WAD_SQRT_HALF_X64 = 13043817825332782212349571806252508369;
    // 2^96 / n!, rounded to nearest, n = 2 … 14 (n = 0 and 1 are 2^96 itself).
    uint256 private constant E2 = 39614081257132168796771975168;
    uint256 private constant E3 = 13204693752377389598923991723;
    uint256 private constant E4 = 3301173438094347399730997931;
    uint256 private constant E5 = 660234687618869479946199586;
    uint256 private constant E6 = 110039114603144913324366598;
    uint256 private constant E7 = 15719873514734987617766657;
    uint256 private constant E8 = 1964984189341873452220832;
    uint256 private constant E9 = 218331576593541494691204;
    uint256 private constant E10 = 21833157659354149469120;
    uint256 private constant E11 = 1984832514486740860829;
    uint256 private constant E12 = 165402709540561738402;
    uint256 private constant E13 = 12723285349273979877;
    uint256 private constant E14 = 908806096376712848;

    // Hart 5666 numerator P(z) = Σ P_i z^i; West's decimals × 2^64, rounded to nearest.
    uint256 internal constant P0 = 4062099735652764000329; // 220.206867912376
    uint256 internal constant P1 = 4080670594171652639713; // 221.213596169931
    uint256 internal constant P2 = 2067498006223917203771; // 112.079291497871
    uint256 internal constant P3 = 625581961353917287603; // 33.912866078383
    uint256 internal constant P4 = 117578849504046139487; // 6.37396220353165
    uint256 internal constant P5 = 12919787143353136591; // 0.700383064443688
    uint256 internal constant P6 = 650478250178244363; // 0.0352624965998911
    // Hart 5666 denominator Q(z) = Σ Q_i z^i.
    uint256 internal constant Q0 = 8124199471305528000658; // 440.413735824752
    uint256 internal constant Q1 = 14643514515380871948050; // 793.826512519948
    uint256 internal constant Q2 = 11756730424506726822414; // 637.333633378831
    uint256 internal constant Q3 = 5470644798650576484342; // 296.564248779674
    uint256 internal constant Q4 = 1600821957476871612086; // 86.7807322029461
    uint256 internal constant Q5 = 296331772558254578451; // 16.064177579207
    uint256 internal constant Q6 = 32386342837845824709; // 1.75566716318264
    uint256 internal constant Q7 = 1630477228166597029; // 0.0883883476483184

    /// @notice Φ(x): the probability that a standard normal variable is ≤ x.
    /// @param xWad x in WAD; any int256 (|x| ≥ 9 returns the exact limit).
    /// @return cdfWad Φ(x) in WAD, in [0, 1e18]; absolute error ≤ 4.4e-17 (see the library header).
    function cdf(int256 xWad) internal pure returns (uint256 cdfWad) {
        (cdfWad, ) = cdfAndExp(_clampWad(xWad), WAD);
    }

    /// @notice φ(x) = e^{−x²/2}/√(2π).
    /// @param xWad x in WAD; any int256 (|x| ≥ 9 returns 0: φ(9) ≈ 1.0e-18 is below one wei's worth of
    ///        accuracy anyway).
    /// @return pdfWad φ(x) in WAD, rounded down; absolute error ≤ 2 wei.
    function pdf(int256 xWad) internal pure returns (uint256 pdfWad) {
        (, uint256 expWad) = cdfAndExp(_clampWad(xWad), WAD);
        pdfWad = pdfFromExp(expWad);
    }

    /// @notice Φ(x) and φ(x) from one exponential.
    function cdfAndPdf(int256 xWad) internal pure returns (uint256 cdfWad, uint256 pdfWad) {
        uint256 expWad;
        (cdfWad, expWad) = cdfAndExp(_clampWad(xWad), WAD);
        pdfWad = pdfFromExp(expWad);
    }

    /// @notice Φ(x) for x = numerator / denominator, and the exponential e^{−x²/2} it shares with φ.
    ///         The building block the Black-Scholes library calls once per leg, with d1's numerator
    ///         and σ√τ at 1e-36, so d1 is never rounded to WAD on the way.
    /// @dev The quotient is formed in the 2^-64 basis: x × 2^64 = numerator × 2^64 / denominator,
    ///      truncated toward zero (error < 5.5e-20 in x, < 2.2e-20 in Φ).
    /// @param numerator Any scale, |numerator| < 2^191.
    /// @param denominator The same scale, > 0.
    /// @return cdfWad Φ(x) in WAD: the floored tail Φ(−|x|) for x < 0, 1e18 minus it otherwise.
    /// @return expWad e^{−x²/2} in WAD, rounded to nearest (within 1 wei; exactly 1e18 at 0); 0 when |x| ≥ 9.
    /// @dev One assembly body on purpose: it is every book leg's hot path, and a helper call for the
    ///      exponential costs gas per leg.
    // solhint-disable-next-line function-max-lines
    function cdfAndExp(
        int256 numerator,
        uint256 denominator
    ) internal pure returns (uint256 cdfWad, uint256 expWad) {
        int256 xX64;
        assembly ("memory-safe") {
            xX64 := sdiv(shl(64, numerator), denominator)
            // z = |x| as (x ^ m) − m with m = 0 or −1 by sign.
            let m := sar(255, xX64)
            let z := sub(xor(xX64, m), m)
            // Past the limit: Φ is exactly 0 or 1 and the exponential 0 (both stay 0 below).
            if lt(z, Z_LIMIT_X64) {
                // Horner in 2^-64: p < 2^82, q < 2^86 and z < 2^68, so no product reaches 2^160.
                let p := add(shr(64, mul(P6, z)), P5)
                p := add(shr(64, mul(p, z)), P4)
                p := add(shr(64, mul(p, z)), P3)
                p := add(shr(64, mul(p, z)), P2)
                p := add(shr(64, mul(p, z)), P1)
                p := add(shr(64, mul(p, z)), P0)
                let q := add(shr(64, mul(Q7, z)), Q6)
                q := add(shr(64, mul(q, z)), Q5)
                q := add(shr(64, mul(q, z)), Q4)
                q := add(shr(64, mul(q, z)), Q3)
                q := add(shr(64, mul(q, z)), Q2)
                q := add(shr(64, mul(q, z)), Q1)
                q := add(shr(64, mul(q, z)), Q0)
                // y = z²/2 in 2^-96 (z < 9·2^64: z² < 2^135), then y = k·ln 2 + ln2/2 − t, |t| ≤ ln2/2.
                let y := shr(33, mul(z, z))
                let k := div(y, LN2_X96)
                let t := sub(HALF_LN2_X96, sub(y, mul(k, LN2_X96))) // signed
                // e^t by Horner in 2^-96, signed t: every partial sum is < 1.5·2^96 and |t| < 0.35·2^96.
                let e := add(E13, sar(96, mul(E14, t)))
                e := add(E12, sar(96, mul(e, t)))
                e := add(E11, sar(96, mul(e, t)))
                e := add(E10, sar(96, mul(e, t)))
                e := add(E9, sar(96, mul(e, t)))
                e := add(E8, sar(96, mul(e, t)))
                e := add(E7, sar(96, mul(e, t)))
                e := add(E6, sar(96, mul(e, t)))
                e := add(E5, sar(96, mul(e, t)))
                e := add(E4, sar(96, mul(e, t)))
                e := add(E3, sar(96, mul(e, t)))
                e := add(E2, sar(96, mul(e, t)))
                e := add(ONE_X96, sar(96, mul(e, t)))
                e := add(ONE_X96, sar(96, mul(e, t)))
                // e^{−y} = e^t · 2^{−1/2} · 2^{−k} in WAD, rounded to nearest (so e^0 is exactly 1e18):
                // e < 2^97 and the factor < 2^124, so the product and its half-unit stay below 2^222.
                let shift := add(160, k)
                expWad := shr(shift, add(mul(e, WAD_SQRT_HALF_X64), shl(sub(shift, 1), 1)))
                // Φ(−z) = e^{−z²/2}·P/Q, floored: expWad ≤ 2^60 and p < 2^82.
                cdfWad := div(mul(expWad, p), q)
            }
            if iszero(slt(xX64, 0)) {
                cdfWad := sub(WAD, cdfWad)
            }
        }
    }

    /// @notice φ from the shared exponential: e^{−z²/2}/√(2π), rounded down.
    function pdfFromExp(uint256 expWad) internal pure returns (uint256 pdfWad) {
        assembly ("memory-safe") {
            pdfWad := shr(64, mul(expWad, INV_SQRT_2PI_X64))
        }
    }

    /// @dev Limits reached anyway at |x| ≥ 9; clamping to ±10 keeps x × 2^64 far from overflow.
    function _clampWad(int256 xWad) private pure returns (int256) {
        if (xWad > 10e18) return 10e18;
        if (xWad < -10e18) return -10e18;
        return xWad;
    }
}
