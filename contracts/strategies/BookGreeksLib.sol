// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {BlackScholesLib} from "../libraries/BlackScholesLib.sol";
import {OptionLegLib} from "../libraries/OptionLegLib.sol";

/// @notice The Greeks of a whole book at one spot, volatility and rate.
struct BookGreeks {
    int256 deltaWad; // Σ ±size·Δ, underlying units (long call > 0, short call < 0, long put < 0)
    int256 gammaE36; // Σ ±size·Γ, underlying units per unit of quote price, ×1e36
    uint256 grossSizeWad; // Σ size over the live legs, underlying units
    uint256 discountWad; // Σ |size·Γ|·e^{−rτ} / Σ |size·Γ|: the gamma-weighted discount (WAD; 1e18 when Γ = 0)
    uint256 liveLegs; // legs not yet expired
}

/// @title BookGreeksLib
/// @notice Aggregates a packed options book (OptionLegLib format) into its delta, gamma and the
/// inputs of the Whalley–Wilmott band, with BlackScholesLib's per-book reuse: ln S once, σ√τ, the
/// drift and e^{−rτ} once per distinct expiry (legs come ordered by expiry), ln K from the book.
/// @dev Legs at or past expiry are ignored: they are settled and carry no delta. Units as in
/// BlackScholesLib; sizes in underlying units (WAD). Rounding: each leg's products truncate toward
/// zero (≤ 1 wei of delta per leg); nothing here moves value.
library BookGreeksLib {
    uint256 internal constant WAD = 1e18;

    /// @param packed The book, OptionLegLib format, at most OptionLegLib.MAX_LEGS legs (the caller checks).
    /// @param nowSeconds The valuation time (block.timestamp).
    function aggregate(
        bytes memory packed,
        uint256 spotWad,
        uint256 sigmaWad,
        int256 rateWad,
        uint256 nowSeconds
    ) internal pure returns (BookGreeks memory g) {
        uint256 n = packed.length / OptionLegLib.LEG_BYTES;
        g.discountWad = WAD;
        if (n == 0) return g;
        BlackScholesLib.Spot memory s = BlackScholesLib.spot(spotWad);
        BlackScholesLib.Strike memory k = BlackScholesLib.Strike(0, 0);
        BlackScholesLib.Expiry memory e;
        uint256 currentExpiry;
        uint256 discount;
        uint256 absGammaSum;
        uint256 weightedDiscount;
        for (uint256 i; i < n; ++i) {
            (uint256 w0, uint256 w1) = OptionLegLib.words(packed, i);
            uint256 expiry = uint40(w1 >> 64);
            if (expiry <= nowSeconds) continue;
            if (expiry != currentExpiry) {
                currentExpiry = expiry;
                uint256 tau = expiry - nowSeconds;
                e = BlackScholesLib.expiry(s, sigmaWad, tau, rateWad);
                // |rτ| ≤ 10 over the domain.
                discount = uint256(
                    FixedPointMathLib.expWad(
                        -(rateWad * int256(tau)) / int256(BlackScholesLib.SECONDS_PER_YEAR)
                    )
                );
            }
            k.strikeWad = w0 >> 128;
            k.lnStrikeWad = int128(uint128(w1 >> 128));
            (uint256 callDelta, uint256 gammaE36) = BlackScholesLib.deltaGamma(s, e, k);
            uint256 size = uint128(w0);
            // Leg delta in underlying units: size·N(d1) for a call, size·(N(d1) − 1) for a put.
            int256 legDelta = int256((size * callDelta) / WAD);
            if (w1 & 1 == 0) legDelta -= int256(size);
            // size ≤ 2^128 and gammaE36 < 2^200 over the domain: the product fits.
            uint256 legGamma = FixedPointMathLib.fullMulDiv(size, gammaE36, WAD);
            bool isLong = w1 & 2 != 0;
            g.deltaWad += isLong ? legDelta : -legDelta;
            g.gammaE36 += isLong ? int256(legGamma) : -int256(legGamma);
            g.grossSizeWad += size;
            g.liveLegs += 1;
            absGammaSum += legGamma;
            weightedDiscount += FixedPointMathLib.fullMulDiv(legGamma, discount, WAD);
        }
        if (absGammaSum != 0)
            g.discountWad = FixedPointMathLib.fullMulDiv(weightedDiscount, WAD, absGammaSum);
    }
}
