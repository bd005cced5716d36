// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Leg, Venue, VenueInput} from "./Types.sol";

/// @title IVenueModuleExt
/// @notice The venue functions called at a vault's address (its core's `fallback` sends them to the
/// vault's VenueModule by DELEGATECALL): the venue list and its owner-only setter, and the keeper's
/// routed rebalance.
interface IVenueModuleExt {
    /// @notice A new venue list is in force (`version` names its table).
    event VenuesSet(uint256 version, Venue[] venues, uint256 minSplitGainWad);
    /// @notice One slice of a split leg, or a direct swap between two non-quote assets, on venue
    /// `venue` (its index in `venues()`).
    event VenueSwap(uint256 indexed venue, uint256 amountIn, uint256 amountOut);
    /// @notice Part of a sell of `assetIn` and a buy of `assetOut` traded directly on their pair's
    /// venues (each slice also a VenueSwap): `amountIn` of `assetIn` for `amountOut` of `assetOut`,
    /// at least `minAmountOut` (the buy leg's bound for that value). The legs' own events carry the rest.
    event DirectLeg(
        uint256 assetIn,
        uint256 assetOut,
        uint256 amountIn,
        uint256 amountOut,
        uint256 minAmountOut
    );

    /// @notice Replaces the venue list and the split threshold.
    /// @dev Who: the owner. A list that adds a venue (an adapter, pool and pair not listed now) or
    /// lowers `minSplitGainWad` must have been queued (`queueChange`) for the change delay; a list
    /// that only removes venues or raises the threshold applies at once. Every venue's adapter must
    /// accept its pool for its pair (`checkPool`); every non-quote asset keeps a venue against the
    /// quote asset. The vault approves each listed venue's target for the venue's two tokens and
    /// revokes approvals no listed venue needs any more.
    function setVenues(VenueInput[] calldata venues, uint256 minSplitGainWad) external;

    /// @notice The venues in force and the split threshold (quote WAD of expected gain per extra venue).
    function venues() external view returns (Venue[] memory list, uint256 minSplitGainWad);

    /// @notice `rebalance()` with the keeper's split instead of the on-chain one: one weight per
    /// venue of `venues()`, in bp. A leg against the quote asset is split across its asset's venues
    /// in proportion to their weights; of the part of a sell and a buy that could trade directly, a
    /// direct venue takes its weight's share (the pair's direct weights sum to at most 10,000 bp; the
    /// rest goes through the quote asset). What the caller cannot change: the legs, their amounts and
    /// minimum outputs (each slice is measured against its share), the list, and the deviation bound,
    /// which drops a venue beyond it from the route; a leg whose weights are all zero or all dropped
    /// gets the on-chain split.
    /// @dev Who: anyone `rebalance()` admits (the same call, with `msg.sender` preserved). The weights
    /// live in transient storage for the call only.
    /// @return reward What `rebalance()` paid the caller.
    function rebalanceRouted(uint256[] calldata weights) external returns (uint256 reward);

    /// @notice Uniswap V3's swap callback, for venues whose target is the pool itself: pays the pool
    /// the vault is swapping on this instant, at most that swap's input, once; anyone else (or any
    /// other moment) gets UnexpectedCallback.
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external;
}

/// @title IVenueModule
/// @notice What a vault's core calls on its VenueModule: execution by DELEGATECALL (the swaps are the
/// vault's own calls), the predicate's venue check by STATICCALL, and the constructor's first list.
interface IVenueModule is IVenueModuleExt {
    /// @notice Writes the first venue list; only while the vault is being constructed.
    function initializeVenues(
        address assetTable,
        VenueInput[] calldata venues,
        uint256 minSplitGainWad
    ) external;

    /// @notice Runs `legs` (sells first; legs of zero amount are skipped) against their assets'
    /// venues, one entry point for the core's two uses.
    /// @param execute False: the predicate's check (STATICCALL; nothing moves): returns (1, asset) for
    /// the first leg none of whose venues is within `maxDeviationBps` of the oracle, else (0, 0).
    /// True (DELEGATECALL from `vault` only): executes each leg split across its venues, skipping any
    /// venue beyond the bound, reverting with RebalanceNotDue(PoolPriceDeviation, asset) when a leg
    /// has none left; buys are clipped to the quote held. Returns (oracle value sold in quote WAD, 0)
    /// and the output received per leg.
    /// @param vault The vault whose venue table (version `version`) is read.
    /// @param assetTable The vault's asset table (SSTORE2).
    /// @param prices Oracle prices, quote WAD per whole token, quote first.
    function route(
        bool execute,
        address vault,
        uint256 version,
        address assetTable,
        Leg[] calldata legs,
        uint256[] calldata prices,
        uint256 maxDeviationBps
    ) external returns (uint256 a, uint256 b, uint256[] memory amountsOut);
}
