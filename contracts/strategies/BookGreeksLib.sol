// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {BlackScholesLib} from "../libraries/BlackScholesLib.sol";
import {OptionLegLib} from "../libraries/OptionLegLib.sol";
import {WAD} from "../libraries/ConstantsLib.sol";

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
/// @dev Legs at or past expiry are ignored: they are settled and carry no delta. Over its last
/// `unwindSeconds` a leg counts with its size scaled by τ / unwindSeconds, so the hedge of an expiring
/// leg is unwound gradually instead of at the expiry second (SPEC §9.5). Units as in
/// BlackScholesLib; sizes in underlying units (WAD). Rounding: each leg's products truncate toward
/// zero (≤ 1 wei of delta per leg); nothing here moves value.
library BookGreeksLib {
    /// @dev The strike domain as one unsigned comparison: strike − MIN ≤ MAX − MIN.
    uint256 private constant MIN_STRIKE = BlackScholesLib.MIN_PRICE_WAD;
    uint256 private constant STRIKE_SPAN = BlackScholesLib.MAX_PRICE_WAD - BlackScholesLib.MIN_PRICE_WAD;

    /// @param packed The book, OptionLegLib format, at most OptionLegLib.MAX_LEGS legs (the caller checks).
    /// @param nowSeconds The valuation time (block.timestamp).
    /// @param unwindSeconds The fade window before each expiry (> 0).
    /// @return valid False when a live leg lies outside the Greeks' domain (strike outside [1e-4, 1e12],
    /// expiry more than 10 years out), or the legs are out of expiry order (the live ones must be a
    /// suffix): a book the caller should refuse rather than value. The spot,
    /// σ and r must already lie in the domain (BlackScholesLib reverts otherwise).
    /// @dev One loop body on purpose: a helper call per leg costs gas the per-leg budget has not got.
    // solhint-disable-next-line function-max-lines
    function aggregate(
        bytes memory packed,
        uint256 spotWad,
        uint256 sigmaWad,
        int256 rateWad,
        uint256 nowSeconds,
        uint256 unwindSeconds
    ) internal pure returns (bool valid, BookGreeks memory g) {
        uint256 n = packed.length / OptionLegLib.LEG_BYTES;
        g.discountWad = WAD;
        if (n == 0) return (true, g);
        BlackScholesLib.Spot memory s = BlackScholesLib.spot(spotWad);
        // The current expiry's inputs to deltaGammaAt, on the stack: ln S + drift, σ√τ, gamma factor.
        int256 baseE36;
        uint256 volE36;
        uint256 gammaFactorE48;
        // Accumulators; g is written once at the end. Per leg only four move (delta, gamma, gross and
        // the expiry's gamma): the gamma sum and the live count are settled once per expiry.
        int256 delta;
        int256 gamma;
        uint256 gross;
        uint256 live;
        uint256 currentExpiry; // 0 until the first live leg
        uint256 discount; // e^{−rτ} of the current expiry, WAD
        uint256 expiryGamma; // Σ |size·Γ| of the current expiry
        uint256 absGammaSum; // Σ |size·Γ| of the expiries before the current one
        uint256 weightedDiscount; // Σ over expiries of expiryGamma · discount / WAD
        uint256 fadeWad = WAD; // the current expiry's size scale, τ / unwindSeconds inside the window
        for (uint256 i; i < n;) {
            (uint256 w0, uint256 w1) = OptionLegLib.words(packed, i);
            uint256 expiry = OptionLegLib.expiryOf(w1);
            unchecked {
                ++i; // i < n ≤ MAX_LEGS
            }
            if (expiry != currentExpiry) {
                if (expiry <= nowSeconds) {
                    // An expired leg after a live one: out of order.
                    if (currentExpiry != 0) return (false, g);
                    continue;
                }
                if (expiry < currentExpiry) return (false, g);
                // The live legs are the suffix from the first one on (i is already past it; an expired
                // leg after it fails above).
                if (currentExpiry == 0) live = n + 1 - i;
                weightedDiscount += _mulDivDown(expiryGamma, discount, WAD);
                absGammaSum += expiryGamma;
                expiryGamma = 0;
                currentExpiry = expiry;
                uint256 tau = expiry - nowSeconds;
                if (tau > BlackScholesLib.MAX_TAU_SECONDS) return (false, g);
                fadeWad = tau < unwindSeconds ? (tau * WAD) / unwindSeconds : WAD;
                BlackScholesLib.Expiry memory e = BlackScholesLib.expiry(s, sigmaWad, tau, rateWad);
                (baseE36, volE36, gammaFactorE48) = (s.lnSpotE36 + e.driftE36, e.volE36, e.gammaFactorE48);
                // |rτ| ≤ 10 over the domain.
                discount = uint256(
                    FixedPointMathLib.expWad(
                        // forge-lint: disable-next-line(unsafe-typecast) -- tau <= MAX_TAU_SECONDS and SECONDS_PER_YEAR are small constants that fit int256
                        -(rateWad * int256(tau)) / int256(BlackScholesLib.SECONDS_PER_YEAR)
                    )
                );
            }
            // An external book's leg outside the Greeks' domain makes the whole book unusable:
            // strike − MIN > MAX − MIN (unsigned) is strike < MIN or strike > MAX.
            unchecked {
                if ((w0 >> 128) - MIN_STRIKE > STRIKE_SPAN) return (false, g);
            }
            int256 numeratorE36;
            assembly ("memory-safe") {
                // d1's numerator: ln S + drift − ln K (the signed 128-bit field); |ln S + drift| ≤ 548e36
                // and |ln K| ≤ 28e36, so no overflow.
                numeratorE36 := sub(baseE36, signextend(15, shr(128, w1)))
            }
            (uint256 callDelta, uint256 gammaE36) = BlackScholesLib.deltaGammaAt(
                numeratorE36,
                volE36,
                gammaFactorE48
            );
            // forge-lint: disable-next-line(unsafe-typecast) -- unpacks the 128-bit size field of the packed word: truncation is the decoding
            uint256 size = uint128(w0);
            unchecked {
                // size < 2^128, fadeWad ≤ 1e18: exact.
                if (fadeWad != WAD) size = (size * fadeWad) / WAD;
                // Leg delta in underlying units: size·N(d1) for a call, size·(N(d1) − 1) for a put.
                // size < 2^128 and callDelta ≤ 1e18: exact.
                // forge-lint: disable-next-line(unsafe-typecast) -- size < 2^128 and callDelta <= WAD: the product over WAD fits int256
                int256 legDelta = int256((size * callDelta) / WAD);
                // forge-lint: disable-next-line(unsafe-typecast) -- size < 2^128 fits int256
                if (w1 & 1 == 0) legDelta -= int256(size);
                // size·Γ/WAD: the plain product unless Γ ≥ 2^128 (S·σ√τ below ~1e-6), then 512-bit.
                uint256 legGamma =
                    gammaE36 >> 128 == 0
                        ? (size * gammaE36) / WAD
                        : FixedPointMathLib.fullMulDiv(size, gammaE36, WAD);
                if (w1 & 2 != 0) {
                    delta += legDelta;
                    // forge-lint: disable-next-line(unsafe-typecast) -- one leg's gamma: size < 2^128 times a bounded density, far below 2^255
                    gamma += int256(legGamma);
                } else {
                    delta -= legDelta;
                    // forge-lint: disable-next-line(unsafe-typecast) -- one leg's gamma: size < 2^128 times a bounded density, far below 2^255
                    gamma -= int256(legGamma);
                }
                gross += size;
                expiryGamma += legGamma;
            }
        }
        weightedDiscount += _mulDivDown(expiryGamma, discount, WAD);
        absGammaSum += expiryGamma;
        (g.deltaWad, g.gammaE36, g.grossSizeWad, g.liveLegs) = (delta, gamma, gross, live);
        if (absGammaSum != 0)
            g.discountWad = FixedPointMathLib.fullMulDiv(weightedDiscount, WAD, absGammaSum);
        valid = true;
    }

    /// @dev x·y/d, floored: the plain product when it cannot overflow (the common case), 512-bit otherwise.
    function _mulDivDown(uint256 x, uint256 y, uint256 d) private pure returns (uint256) {
        unchecked {
            if ((x | y) >> 128 == 0) return (x * y) / d;
        }
        return FixedPointMathLib.fullMulDiv(x, y, d);
    }
}
