// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {VenueQuote} from "../interfaces/IVenueAdapter.sol";
import {BPS, WAD} from "./ConstantsLib.sol";

/// @title VenueSplitLib
/// @notice How one leg is split across the venues that trade its pair: the amounts that maximise the
/// expected output, each venue modelled from its quote as a constant-product pool (price p, depth D,
/// fee f), so venue k gives out_k(a) = p·D·a'/(D + a') for a' = a·(1 − f). Venues further from the
/// oracle than the deviation bound, or with no depth, get nothing; an extra venue is used only when
/// it adds at least `minGainOut` of expected output (what its swap's gas costs, in output units).
/// @dev Closed form ("water-filling"): at the optimum every venue used has the same marginal output
/// μ, which gives a_k = D_k/(1 − f_k) · (g_k·s − 1) with g_k = √(p_k·(1 − f_k)) and s = 1/√μ, and
/// s = (A + Σ D_k/(1 − f_k)) / Σ D_k·g_k/(1 − f_k) over the venues used: those with the highest g_k,
/// each with g_k·s > 1. Prices enter relative to the oracle (r_k = p_k / p_oracle, WAD), so every
/// intermediate is a WAD-scaled number near 1 or a raw amount. At most a few venues per leg: the
/// ordering is an insertion sort.
library VenueSplitLib {
    using FixedPointMathLib for uint256;

    /// @dev Fees are in millionths.
    uint256 internal constant FEE_UNIT = 1e6;

    /// @notice The split of `amountIn` across `quotes` (one per venue, all for the same direction).
    /// @param oracleX128 The oracle's price, raw output per raw input, Q128.128 (non-zero).
    /// @param maxDeviationBps A venue whose price is further than this from the oracle is skipped.
    /// @param minGainOut Expected output (output units) an extra venue must add to be used.
    /// @return amounts Input per venue, summing to `amountIn`; all zero when no venue is usable.
    /// @return used How many venues the split uses (the best `used` of them; one at the margin may get
    /// only a few units).
    function split(
        VenueQuote[] memory quotes,
        uint256 oracleX128,
        uint256 maxDeviationBps,
        uint256 amountIn,
        uint256 minGainOut
    ) internal pure returns (uint256[] memory amounts, uint256 used) {
        amounts = new uint256[](quotes.length);
        (uint256[] memory order, uint256[] memory g, uint256[] memory h, uint256 m) = _rank(
            quotes,
            oracleX128,
            maxDeviationBps
        );
        if (m == 0 || amountIn == 0) return (amounts, 0);

        // Grow the set while the next venue is active at the current s and adds enough output.
        used = 1;
        uint256 best = _expectedOut(quotes, order, g, h, 1, amountIn);
        while (used < m) {
            uint256 s = _s(order, g, h, used, amountIn);
            if (g[order[used]].mulWad(s) <= WAD) break; // the next venue's marginal output is below μ
            uint256 out = _expectedOut(quotes, order, g, h, used + 1, amountIn);
            if (out < best + minGainOut) break;
            best = out;
            ++used;
        }

        _allocate(amounts, order, g, h, used, amountIn);
    }

    /// @dev The usable venues, best zero-size net price first (`order[0..m)`), with each venue's
    /// g = √(r·(1 − f)) (WAD) and h = D / (1 − f) (raw input units).
    function _rank(
        VenueQuote[] memory quotes,
        uint256 oracleX128,
        uint256 maxDeviationBps
    ) private pure returns (uint256[] memory order, uint256[] memory g, uint256[] memory h, uint256 m) {
        uint256 n = quotes.length;
        order = new uint256[](n);
        g = new uint256[](n);
        h = new uint256[](n);
        for (uint256 k; k < n; ++k) {
            VenueQuote memory q = quotes[k];
            if (q.depthIn == 0 || q.priceX128 == 0 || q.feePpm >= FEE_UNIT) continue;
            // |p − o| / o > maxDeviationBps / BPS, without division
            if (q.priceX128.dist(oracleX128) * BPS > oracleX128 * maxDeviationBps) continue;
            uint256 r = q.priceX128.fullMulDiv(WAD, oracleX128);
            g[k] = FixedPointMathLib.sqrt(r.fullMulDiv(WAD * (FEE_UNIT - q.feePpm), FEE_UNIT));
            h[k] = q.depthIn.fullMulDiv(FEE_UNIT, FEE_UNIT - q.feePpm);
            uint256 j = m++;
            while (j != 0 && g[order[j - 1]] < g[k]) {
                order[j] = order[j - 1];
                --j;
            }
            order[j] = k;
        }
    }

    /// @dev s for the first `count` venues of `order` (WAD): (A + Σ h) / Σ h·g.
    function _s(
        uint256[] memory order,
        uint256[] memory g,
        uint256[] memory h,
        uint256 count,
        uint256 amountIn
    ) private pure returns (uint256) {
        uint256 sumH = amountIn;
        uint256 sumHG;
        for (uint256 i; i < count; ++i) {
            sumH += h[order[i]];
            sumHG += h[order[i]].mulWad(g[order[i]]);
        }
        return sumH.fullMulDiv(WAD, sumHG);
    }

    /// @dev Writes into `amounts` the optimal split of `amountIn` over the first `count` venues of
    /// `order`: each after the first gets h · (g · s − 1), never more than what is left; the first
    /// (best) venue takes the rest, so the amounts add up to `amountIn` exactly.
    function _allocate(
        uint256[] memory amounts,
        uint256[] memory order,
        uint256[] memory g,
        uint256[] memory h,
        uint256 count,
        uint256 amountIn
    ) private pure {
        uint256 s = _s(order, g, h, count, amountIn);
        uint256 assigned;
        for (uint256 i = 1; i < count; ++i) {
            uint256 k = order[i];
            uint256 a = FixedPointMathLib.min(h[k].mulWad(_sub0(g[k].mulWad(s), WAD)), amountIn - assigned);
            amounts[k] = a;
            assigned += a;
        }
        amounts[order[0]] = amountIn - assigned;
    }

    /// @dev Expected output (output units) of the optimal split of `amountIn` over the first
    /// `count` venues of `order`, under each venue's constant-product model.
    function _expectedOut(
        VenueQuote[] memory quotes,
        uint256[] memory order,
        uint256[] memory g,
        uint256[] memory h,
        uint256 count,
        uint256 amountIn
    ) private pure returns (uint256 out) {
        uint256[] memory amounts = new uint256[](quotes.length);
        _allocate(amounts, order, g, h, count, amountIn);
        for (uint256 i; i < count; ++i) out += _venueOut(quotes[order[i]], amounts[order[i]]);
    }

    /// @dev out = p · D · a' / (D + a'), a' = a · (1 − f): the constant-product output.
    function _venueOut(VenueQuote memory q, uint256 a) private pure returns (uint256) {
        uint256 net = a.mulDiv(FEE_UNIT - q.feePpm, FEE_UNIT);
        return (net.fullMulDiv(q.depthIn, q.depthIn + net)).fullMulDiv(q.priceX128, 1 << 128);
    }

    function _sub0(uint256 a, uint256 b) private pure returns (uint256) {
        return FixedPointMathLib.zeroFloorSub(a, b);
    }
}
