// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IBallastErrors} from "../interfaces/IBallastErrors.sol";

/// @dev Fixed-point scale of prices, weights, values, deltas, σ and r (1e18 = 1.0). Defined once, here.
uint256 constant WAD = 1e18;
/// @dev Scale of configured thresholds (10,000 bps = 100%). Defined once, here.
uint256 constant BPS = 10_000;

/// @title ConstantsLib
/// @notice Scales and the immutable bounds every configurable parameter is checked against.
/// @dev Bounds are compile-time constants: no role can move them. SPEC.md lists each with its reason.
library ConstantsLib {
    /// @dev Smallest minimum output (in the output token's units) a leg may have: below it, rounding
    /// the minimum up by one unit costs more than a basis point, and the leg could fail its own bound.
    /// The plan drops such legs; execution skips what is left of a leg once it falls below (a buy
    /// clipped to the quote held, the remainder of a direct route).
    uint256 internal constant MIN_LEG_OUTPUT = 10_000;
    /// @dev A vault holds between 2 and 8 assets (quote asset included).
    uint256 internal constant MIN_ASSETS = 2;
    uint256 internal constant MAX_ASSETS = 8;
    /// @dev Token and feed decimals the valuation math supports.
    uint256 internal constant MAX_DECIMALS = 18;

    /// @dev Per-feed staleness limit.
    uint256 internal constant MIN_STALENESS_SECONDS = 60;
    uint256 internal constant MAX_STALENESS_SECONDS = 2 days;
    /// @dev L2 sequencer grace period after it comes back up.
    uint256 internal constant MAX_SEQUENCER_GRACE_SECONDS = 1 days;

    /// @dev Bound on the oracle-relative slippage a permissionless caller can extract per leg.
    uint256 internal constant MAX_SLIPPAGE_BPS = 500;
    /// @dev A deviation bound that refuses no venue: what the flows pass, which bear their own cost
    /// within each leg's minimum output. With it a single venue's price is not even read.
    uint256 internal constant NO_DEVIATION_GATE = 1e9;
    /// @dev Bound on how far pool spot may sit from the oracle before execution is refused.
    uint256 internal constant MAX_POOL_DEVIATION_BPS = 1_000;
    /// @dev Traded value per call, in bps of NAV.
    uint256 internal constant MIN_TRADE_CAP_BPS = 100;
    /// @dev The landing point in band-edge mode sits at (1 - hysteresis) of the band; below 100%.
    uint256 internal constant MAX_HYSTERESIS_BPS = 9_000;
    uint256 internal constant MAX_COOLDOWN_SECONDS = 7 days;
    uint256 internal constant MIN_INTERVAL_SECONDS = 1 hours;
    uint256 internal constant MAX_INTERVAL_SECONDS = 365 days;
    uint256 internal constant MIN_PERIOD_SECONDS = 1 hours;
    uint256 internal constant MAX_PERIOD_SECONDS = 30 days;
    /// @dev Cumulative cost per period the circuit breaker may allow, in bps of NAV.
    uint256 internal constant MAX_COST_BPS_PER_PERIOD = 1_000;
    /// @dev Keeper reward, in bps of the value traded by the call.
    uint256 internal constant MAX_REWARD_BPS = 50;

    /// @dev Band widths: absolute in bps of NAV, relative in bps of the target weight.
    uint256 internal constant MIN_ABS_BAND_BPS = 10;
    uint256 internal constant MAX_ABS_BAND_BPS = 5_000;
    uint256 internal constant MIN_REL_BAND_BPS = 100;
    uint256 internal constant MAX_REL_BAND_BPS = 10_000;

    /// @dev Delay before new target weights apply, so holders can exit first.
    uint256 internal constant MIN_TARGET_DELAY_SECONDS = 1 hours;
    uint256 internal constant MAX_TARGET_DELAY_SECONDS = 30 days;
    /// @dev How long a queued change stays applicable after its eta; later, the same call queues it
    /// afresh, so a change announced long ago cannot apply by surprise.
    uint256 internal constant CHANGE_GRACE_SECONDS = 14 days;

    /// @dev Delta-hedged vault: a leg's size fades to 0 over this window before its expiry.
    uint256 internal constant MIN_EXPIRY_UNWIND_SECONDS = 1 hours;
    uint256 internal constant MAX_EXPIRY_UNWIND_SECONDS = 30 days;
    /// @dev Delta-hedged vault: the wait between two rebalances that each follow a book change.
    uint256 internal constant MAX_BOOK_COOLDOWN_SECONDS = 7 days;
    /// @dev Delta-hedged vault: band relative to gross book size, bps.
    uint256 internal constant MAX_HEDGE_RELATIVE_BAND_BPS = 5_000;
    /// @dev Delta-hedged vault: Whalley–Wilmott proportional cost λ, bps.
    uint256 internal constant MAX_HEDGE_COST_BPS = 1_000;
    /// @dev Delta-hedged vault: |target net delta| and band clamps, underlying units (WAD).
    uint256 internal constant MAX_HEDGE_DELTA_WAD = 1e36;

    /// @notice 10^decimals, the unit of a token (or the scale of a feed) with `decimals` ≤ MAX_DECIMALS,
    /// which the asset table's construction checks; unchecked, since 10^18 cannot overflow.
    function unit(uint256 decimals) internal pure returns (uint256 u) {
        unchecked {
            u = 10 ** decimals;
        }
    }

    /// @dev Reverts with OutOfBounds(parameter, value, min, max) unless min ≤ value ≤ max. Every
    /// setter and constructor checks its parameters through this one function.
    function checkBound(bytes32 parameter, uint256 value, uint256 min, uint256 max) internal pure {
        if (value < min || value > max) revert IBallastErrors.OutOfBounds(parameter, value, min, max);
    }
}
