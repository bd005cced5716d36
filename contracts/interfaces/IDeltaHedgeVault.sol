// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {BandConfig} from "../strategies/HedgeBandLib.sol";
import {IRebalanceEngine, Reason} from "./IRebalanceEngine.sol";

/// @notice Where σ comes from, and the bounds any σ must lie in.
struct VolatilitySettings {
    address feed; // Chainlink-style feed answering σ × 10^decimals (0.8 = 80%/yr); zero: use sigmaWad
    uint32 maxStalenessSeconds; // feed staleness limit
    uint64 sigmaWad; // admin-set σ, used when feed is zero, WAD
    uint64 minSigmaWad; // every σ (feed or admin) must lie in [min, max], else VolatilityUnhealthy
    uint64 maxSigmaWad;
}

/// @notice Constructor arguments of the hedging strategy.
struct HedgeInit {
    address book; // IOptionBook
    VolatilitySettings volatility;
    int256 rateWad; // r: annual, continuously compounded, WAD
    int256 targetDeltaWad; // target net delta, underlying units (WAD), usually 0
    BandConfig band;
}

/// @notice What the hedge looks like now; `reason` is the trigger predicate's answer.
struct HedgeStatus {
    Reason reason;
    int256 netDeltaWad; // underlying held + book delta, underlying units
    int256 targetDeltaWad;
    uint256 halfWidthWad; // band half-width around the target, underlying units
    int256 bookDeltaWad;
    int256 bookGammaE36; // underlying units per unit of quote price, ×1e36
    uint256 underlyingWad; // underlying held, underlying units
    uint256 sigmaWad;
    uint256 liveLegs;
    bool clipped; // the book needs more short delta than selling every unit held can give
}

/// @title IDeltaHedgeVault
/// @notice Holds an underlying (asset 1) and a quote asset (asset 0) and keeps the net delta of an
/// options book plus the underlying held at its target, through the engine's permissionless
/// `rebalance()`: when net delta leaves its band, a stranger's call trades the underlying back to the
/// band edge (or the target), at oracle-bounded prices.
/// @dev Net delta = underlying held + Σ leg deltas (BookGreeksLib), at the oracle spot, the vault's σ
/// and r. Spot-only hedging cannot go below zero underlying: when the book needs more short delta
/// than the vault can sell, it sells everything, emits HedgeClipped and reports `clipped`.
/// The book is read with a STATICCALL: it can report positions, never move funds.
interface IDeltaHedgeVault is IRebalanceEngine {
    event BookSet(address indexed book);
    event VolatilitySet(VolatilitySettings settings);
    event RateSet(int256 rateWad);
    event TargetDeltaSet(int256 targetDeltaWad);
    event BandSet(BandConfig band);
    event Funded(uint256 indexed asset, uint256 amount);
    event Withdrawn(uint256 indexed asset, uint256 amount, address indexed to);
    /// @notice After every rebalance: the book's delta and the net delta left (underlying units).
    event Hedged(int256 bookDeltaWad, int256 netDeltaAfterWad, uint256 underlyingAfterWad);
    /// @notice The vault sold all it held and the net delta is still above target by `excessWad`.
    event HedgeClipped(int256 excessWad);

    /// @notice Pulls `amount` of asset 0 (quote) or 1 (underlying) from the owner. Owner only.
    function fund(uint256 asset, uint256 amount) external;

    /// @notice Sends `amount` of an asset to `to`. Owner only; works while paused.
    function withdraw(uint256 asset, uint256 amount, address to) external;

    function setBook(address book) external;
    function setVolatility(VolatilitySettings calldata settings) external;
    function setRate(int256 rateWad) external;
    function setTargetDelta(int256 targetDeltaWad) external;
    function setBand(BandConfig calldata band) external;

    function book() external view returns (address);
    function volatility() external view returns (VolatilitySettings memory);
    function rateWad() external view returns (int256);
    function targetDeltaWad() external view returns (int256);
    function band() external view returns (BandConfig memory);

    /// @notice Net delta, band, book delta and gamma, and the reason the predicate gives.
    function hedgeStatus() external view returns (HedgeStatus memory);
}
