// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
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
///      (e^{−z²/2} from Solady's expWad, ±1 wei; the final floor division, 1 wei; the 2^-64 Horner
///      steps, < 1e-21). |Φ − Φ_exact| ≤ 4.4e-17 everywhere; the differential test asserts ≤ 1e-16.
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
    /// @dev An exponent (negated) past expWad's zero cut-off at −41.45: e^{−50} returns 0.
    uint256 internal constant BEYOND_EXP_RANGE_WAD = 50e18;
    /// @dev 1/√(2π) × 2^64, rounded to nearest (0.398942280401432677939946059934…).
    uint256 internal constant INV_SQRT_2PI_X64 = 7359186146747302452;

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
    /// @return expWad e^{−x²/2} in WAD from Solady's expWad (±1 wei); 0 when |x| ≥ 9.
    function cdfAndExp(
        int256 numerator,
        uint256 denominator
    ) internal pure returns (uint256 cdfWad, uint256 expWad) {
        int256 xX64;
        uint256 halfXSquaredWad;
        uint256 p;
        uint256 q;
        assembly ("memory-safe") {
            xX64 := sdiv(shl(64, numerator), denominator)
            // z = |x| as (x ^ m) − m with m = 0 or −1 by sign.
            let m := sar(255, xX64)
            let z := sub(xor(xX64, m), m)
            switch lt(z, Z_LIMIT_X64)
            case 0 {
                // Past the limit: an exponent below expWad's cut-off (−41.4) makes it return 0 at
                // once, and P/Q = 0/1 makes the tail 0, so Φ is exactly 0 or 1 without a branch below.
                halfXSquaredWad := BEYOND_EXP_RANGE_WAD
                q := 1
            }
            default {
                // z²/2 in WAD, floored: z < 9 so z² < 2^135 and z²·1e18 < 2^195.
                halfXSquaredWad := shr(129, mul(mul(z, z), WAD))
                // Horner in 2^-64: p < 2^82, q < 2^86 and z < 2^68, so no product reaches 2^160.
                p := add(shr(64, mul(P6, z)), P5)
                p := add(shr(64, mul(p, z)), P4)
                p := add(shr(64, mul(p, z)), P3)
                p := add(shr(64, mul(p, z)), P2)
                p := add(shr(64, mul(p, z)), P1)
                p := add(shr(64, mul(p, z)), P0)
                q := add(shr(64, mul(Q7, z)), Q6)
                q := add(shr(64, mul(q, z)), Q5)
                q := add(shr(64, mul(q, z)), Q4)
                q := add(shr(64, mul(q, z)), Q3)
                q := add(shr(64, mul(q, z)), Q2)
                q := add(shr(64, mul(q, z)), Q1)
                q := add(shr(64, mul(q, z)), Q0)
            }
        }
        // halfXSquaredWad ≤ 50e18: the cast is exact. Below z = 9 (z²/2 < 40.5) expWad is in range.
        // forge-lint: disable-next-line(unsafe-typecast) -- halfXSquaredWad <= 50e18 (above): far below 2^255
        expWad = uint256(FixedPointMathLib.expWad(-int256(halfXSquaredWad)));
        assembly ("memory-safe") {
            // Φ(−z) = e^{−z²/2}·P/Q, floored: expWad ≤ 2^60 and p < 2^82; q ≥ 1.
            cdfWad := div(mul(expWad, p), q)
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
