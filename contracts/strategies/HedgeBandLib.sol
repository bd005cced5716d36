// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {BandConfig, BandPolicy} from "../interfaces/IDeltaHedgeVault.sol";
import {BookGreeks} from "./BookGreeksLib.sol";
import {BPS} from "../libraries/ConstantsLib.sol";

/// @title HedgeBandLib
/// @notice The half-width H of the band around the target delta, in underlying units (WAD).
/// @dev Whalley & Wilmott (1997), "An asymptotic analysis of an optimal hedging model for option
/// pricing with transaction costs", Mathematical Finance 7(3): for proportional cost λ and
/// exponential-utility risk aversion γ,
///
///     H = (3/2 · e^{−rτ} · λ · S · Γ² / γ)^{1/3}
///
/// with Γ the book's gamma (underlying units per unit of price). A book has many expiries, so e^{−rτ}
/// is the gamma-weighted average discount of its legs (BookGreeks.discountWad); for a one-expiry
/// book this is the formula as published. Every policy is clamped to [minHalfWidthWad,
/// maxHalfWidthWad]. Fixed point: H³·1e54 is formed with 512-bit intermediates and Solady's integer
/// cube root returns H in WAD, floored (relative error < 1e-12 for H ≥ 1e-6 underlying units).
library HedgeBandLib {
    function halfWidthWad(
        BandConfig memory c,
        BookGreeks memory g,
        uint256 spotWad
    ) internal pure returns (uint256 h) {
        if (c.policy == BandPolicy.Absolute) {
            h = c.absoluteWad;
        } else if (c.policy == BandPolicy.RelativeToGross) {
            h = (g.grossSizeWad * c.relativeBps) / BPS;
        } else {
            h = whalleyWilmottWad(g.gammaE36, spotWad, g.discountWad, c.costBps, c.riskAversionWad);
        }
        h = FixedPointMathLib.clamp(h, c.minHalfWidthWad, c.maxHalfWidthWad);
    }

    /// @notice H = (3/2 · D · λ · S · Γ² / γ)^{1/3} in underlying units (WAD), floored; saturates at
    /// type(uint128).max instead of overflowing.
    /// @param gammaE36 Γ × 1e36 (sign ignored).
    /// @param discountWad D = e^{−rτ}, WAD.
    /// @param costBps λ in bps.
    /// @param riskAversionWad γ per unit of quote wealth, WAD, > 0.
    function whalleyWilmottWad(
        int256 gammaE36,
        uint256 spotWad,
        uint256 discountWad,
        uint256 costBps,
        uint256 riskAversionWad
    ) internal pure returns (uint256) {
        uint256 g = FixedPointMathLib.abs(gammaE36);
        if (g == 0 || costBps == 0) return 0;
        // With g = Γ·1e36: H³·1e54 = 1.5·D·λ·S·Γ²/γ·1e54 = 3·D[WAD]·λ[bps]·S[WAD]·(g²/1e36) / (2·γ[WAD]·1e4).
        // Saturate where an intermediate or H³·1e54 would not fit 256 bits (H beyond ~4.8e7 underlying units).
        (bool ok, uint256 gammaSquaredE36) = _mulDivOrSaturate(g, g, 1e36); // Γ² × 1e36
        uint256 scaled;
        uint256 cube;
        if (ok) (ok, scaled) = _mulDivOrSaturate(discountWad * costBps * 3, spotWad, riskAversionWad * 2);
        if (ok) (ok, cube) = _mulDivOrSaturate(gammaSquaredE36, scaled, BPS);
        if (!ok) return type(uint128).max;
        return FixedPointMathLib.cbrt(cube);
    }

    function _mulDivOrSaturate(uint256 x, uint256 y, uint256 d) private pure returns (bool, uint256) {
        // x·y/d overflows 256 bits exactly when the high word of x·y is ≥ d.
        uint256 hi;
        assembly ("memory-safe") {
            let mm := mulmod(x, y, not(0))
            let lo := mul(x, y)
            hi := sub(sub(mm, lo), lt(mm, lo))
        }
        if (hi >= d) return (false, 0);
        return (true, FixedPointMathLib.fullMulDiv(x, y, d));
    }
}
