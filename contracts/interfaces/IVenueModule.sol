// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Leg, Venue, VenueInput} from "./Types.sol";

/// @title IVenueModuleExt
/// @notice The venue functions called at a vault's address (its core's `fallback` sends them to the
/// vault's VenueModule by DELEGATECALL): the venue list and its owner-only setter.
interface IVenueModuleExt {
    /// @notice A new venue list is in force (`version` names its table).
    event VenuesSet(uint256 version, Venue[] venues, uint256 minSplitGainWad);
    /// @notice One slice of a split leg, on venue `venue` (its index in `venues()`).
    event VenueSwap(uint256 indexed venue, uint256 amountIn, uint256 amountOut);

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
