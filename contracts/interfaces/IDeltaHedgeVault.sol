// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {
    EngineParams,
    IRebalanceEngine,
    IRebalanceEngineCore,
    IRebalanceEngineExt,
    Leg,
    Reason
} from "./IRebalanceEngine.sol";
import {ILendingLeg, LendingInit} from "./ILendingAdapter.sol";

/// @notice How the no-trade band around the target delta is sized.
enum BandPolicy {
    Absolute, // a fixed half-width in underlying units
    RelativeToGross, // a fraction of the book's gross size
    WhalleyWilmott // the asymptotically optimal band under proportional costs
}

/// @notice Band settings, with the unit of every field.
struct BandConfig {
    BandPolicy policy;
    uint16 relativeBps; // RelativeToGross: half-width in bps of the gross size
    uint16 costBps; // Whalley–Wilmott λ: proportional cost of trading the underlying, bps of value
    uint128 absoluteWad; // Absolute: half-width, underlying units (WAD)
    uint128 riskAversionWad; // Whalley–Wilmott γ: risk aversion per unit of quote wealth (WAD, > 0)
    uint128 minHalfWidthWad; // lower clamp of every policy, underlying units (keeps a Γ = 0 book from trading on dust)
    uint128 maxHalfWidthWad; // upper clamp of every policy, underlying units
}

/// @notice Where σ comes from, and the bounds any σ must lie in.
struct VolatilitySettings {
    address feed; // Chainlink-style feed answering σ × 10^decimals (0.8 = 80%/yr); zero: use sigmaWad
    uint32 maxStalenessSeconds; // feed staleness limit
    uint64 sigmaWad; // admin-set σ, used when feed is zero, WAD
    uint64 minSigmaWad; // every σ (feed or admin) must lie in [min, max], else VolatilityUnhealthy
    uint64 maxSigmaWad;
}

/// @notice How the hedge follows changes of its book (SPEC §9.5).
struct BookLimits {
    uint32 expiryUnwindSeconds; // each leg's size fades linearly to 0 over its last this-many seconds
    uint32 bookCooldownSeconds; // after a rebalance that followed a book change, the next such one waits this long (0: no limit)
}

/// @notice Constructor arguments of the hedging strategy.
struct HedgeInit {
    address book; // IOptionBook
    VolatilitySettings volatility;
    int256 rateWad; // r: annual, continuously compounded, WAD
    int256 targetDeltaWad; // target net delta, underlying units (WAD), usually 0
    BandConfig band;
    BookLimits limits;
}

/// @notice What the hedge looks like now; `reason` is the trigger predicate's answer.
struct HedgeStatus {
    Reason reason;
    int256 netDeltaWad; // net underlying + book delta, underlying units
    int256 targetDeltaWad;
    uint256 halfWidthWad; // band half-width around the target, underlying units
    int256 bookDeltaWad;
    int256 bookGammaE36; // underlying units per unit of quote price, ×1e36
    int256 underlyingWad; // underlying held less underlying owed on a lending market (< 0: short), underlying units
    uint256 sigmaWad;
    uint256 liveLegs;
    bool clipped; // the book needs more short delta than the vault may sell: all it holds, plus what its LTV cap lets it borrow
}

/// @title IDeltaHedgeVaultCore
/// @notice What a delta-hedged vault's core runs itself: the engine's hot path, which reports each
/// hedge in these events, and the hedge's status.
interface IDeltaHedgeVaultCore is IRebalanceEngineCore {
    /// @notice After every rebalance: the book's delta, the net delta left and the net underlying
    /// (held less owed; negative when short through a lending market), underlying units.
    event Hedged(int256 bookDeltaWad, int256 netDeltaAfterWad, int256 underlyingAfterWad);
    /// @notice The vault sold all it may (all it held; with a lending market, also all its LTV cap
    /// lets it borrow) and the net delta is still above target by `excessWad`.
    event HedgeClipped(int256 excessWad);

    /// @notice Net delta, band, book delta and gamma, and the reason the predicate gives.
    /// @dev In the core, not the extension: it needs the Greeks code (`BookGreeksLib`, the normal CDF),
    /// which the core carries for `rebalance()` anyway; a second copy in the extension would leave it
    /// less than 4,096 bytes under EIP-170.
    function hedgeStatus() external view returns (HedgeStatus memory);
}

/// @title IDeltaHedgeVaultExt
/// @notice A delta-hedged vault's cold functions, run by its extension: funding, the book, σ, r, the
/// target and the band.
interface IDeltaHedgeVaultExt is IRebalanceEngineExt {
    /// @notice The vault now reads this options book.
    event BookSet(address indexed book);
    /// @notice σ now comes from these settings.
    event VolatilitySet(VolatilitySettings settings);
    /// @notice r is now `rateWad`.
    event RateSet(int256 rateWad);
    /// @notice The target net delta is now `targetDeltaWad` (underlying units).
    event TargetDeltaSet(int256 targetDeltaWad);
    /// @notice The band is now this.
    event BandSet(BandConfig band);
    /// @notice The expiry unwind window and the book-change cooldown are now these.
    event BookLimitsSet(BookLimits limits);
    /// @notice The owner put `amount` of asset `asset` into the vault.
    event Funded(uint256 indexed asset, uint256 amount);
    /// @notice The owner took `amount` of asset `asset` out of the vault, to `to`.
    event FundsWithdrawn(uint256 indexed asset, uint256 amount, address indexed to);

    /// @notice Writes the vault's initial state. Runs only inside the vault's constructor (through
    /// its DELEGATECALL); any other call reverts with NotInitializing.
    function initialize(EngineParams calldata params, HedgeInit calldata hedge) external;

    /// @notice Pulls `amount` of asset 0 (quote) or 1 (underlying) from the owner. Owner only.
    function fund(uint256 asset, uint256 amount) external;

    /// @notice Sends `amount` of asset 0 (quote) or 1 (underlying) to `to`. Owner only; works while paused.
    /// @dev Named apart from ERC-4626's `withdraw`: this vault issues no shares, its owner funds it.
    function withdrawFunds(uint256 asset, uint256 amount, address to) external;

    /// @notice Sets how the hedge follows its book: `expiryUnwindSeconds` in [1 hour, 30 days],
    /// `bookCooldownSeconds` in [0, 7 days]. Owner only.
    function setBookLimits(BookLimits calldata limits) external;

    /// @notice How the hedge follows its book.
    function bookLimits() external view returns (BookLimits memory);

    /// @notice The fingerprint (the leading 27 bytes of keccak256 of its live legs) of the book the
    /// last rebalance followed a change of, and when that rebalance ran.
    function bookMark() external view returns (bytes27 bookHash, uint256 rebalancedAt);

    /// @notice Points the vault at another options book (IOptionBook). Owner only; zero is refused.
    function setBook(address book) external;

    /// @notice Replaces where σ comes from and its bounds. Owner only.
    function setVolatility(VolatilitySettings calldata settings) external;

    /// @notice Sets r, annual and continuously compounded (WAD), |r| ≤ 100 %. Owner only.
    function setRate(int256 rateWad) external;

    /// @notice Sets the target net delta (underlying units, WAD), within ±MAX_HEDGE_DELTA_WAD. Owner only.
    function setTargetDelta(int256 targetDeltaWad) external;

    /// @notice Replaces the band policy and its clamps. Owner only.
    function setBand(BandConfig calldata band) external;

    /// @notice The options book read on every rebalance.
    function book() external view returns (address);

    /// @notice Where σ comes from, and its bounds.
    function volatility() external view returns (VolatilitySettings memory);

    /// @notice r, annual, continuously compounded (WAD).
    function rateWad() external view returns (int256);

    /// @notice Target net delta, underlying units (WAD).
    function targetDeltaWad() external view returns (int256);

    /// @notice The band policy and its clamps.
    function band() external view returns (BandConfig memory);
}

/* solhint-disable no-empty-blocks */
/// @title IDeltaHedgeVault
/// @notice Core and extension merged, the one ABI to call the vault's address with. Holds an underlying (asset 1) and a quote asset (asset 0) and keeps the net delta of an
/// options book plus the underlying held at its target, through the engine's permissionless
/// `rebalance()`: when net delta leaves its band, a stranger's call trades the underlying back to the
/// band edge (or the target), at oracle-bounded prices.
/// @dev Net delta = underlying held + Σ leg deltas (BookGreeksLib), at the oracle spot, the vault's σ
/// and r. Spot-only hedging cannot go below zero underlying: when the book needs more short delta
/// than the vault can sell, it sells everything, emits HedgeClipped and reports `clipped`. A
/// `DeltaHedgeLendingVault` (`IDeltaHedgeLendingVault`) goes short through a lending market instead.
/// The book is read with a STATICCALL: it can report positions, never move funds.
interface IDeltaHedgeVault is IRebalanceEngine, IDeltaHedgeVaultCore, IDeltaHedgeVaultExt {}
/* solhint-enable no-empty-blocks */

/// @notice A delta-hedged vault's position on its lending market now, at oracle prices.
struct HedgeLendingStatus {
    uint256 collateral; // quote supplied, quote units
    uint256 debt; // underlying owed, underlying units
    uint256 loanToValueBps; // debt value / quote (held and supplied), rounded up; 0 without debt
    uint256 maxLtvBps; // the cap a short may not pass
    uint256 healthFactorWad; // the market's, at the quote's liquidation threshold; type(uint256).max without debt
}

/// @title IDeltaHedgeLendingVaultExt
/// @notice The cold functions a delta-hedged vault with a lending market adds: its market, its LTV
/// cap and its position.
interface IDeltaHedgeLendingVaultExt is ILendingLeg {
    /// @notice A short may now leave debt at most `maxLtvBps` of the quote.
    event MaxLtvSet(uint256 maxLtvBps);

    /// @notice The lending module was built for another vault (its asset table or market differs).
    error LendingModuleMismatch(address module);

    /// @notice `initialize`, plus the LTV cap and the market's approvals. Runs only inside the vault's
    /// constructor (through its DELEGATECALL); any other call reverts with NotInitializing.
    function initializeLending(
        EngineParams calldata params,
        HedgeInit calldata hedge,
        uint16 maxLtvBps
    ) external;

    /// @notice Sets the LTV cap (bps of the quote, held and supplied) no short may pass. Owner only.
    /// Reverts with OutOfBounds unless 0 < maxLtvBps ≤ the market's LTV for the quote asset.
    function setMaxLtv(uint16 maxLtvBps) external;

    /// @notice The LTV cap, bps.
    function maxLtvBps() external view returns (uint256);

    /// @notice The lending adapter and market, fixed at deployment.
    function lending() external view returns (LendingInit memory);

    /// @notice The position on the market now; reverts with OracleUnhealthy without a usable price.
    function lendingStatus() external view returns (HedgeLendingStatus memory);
}

/// @title IDeltaHedgeLendingModule
/// @notice The part of a `DeltaHedgeLendingVault` its core DELEGATECALLs rather than carries (the core
/// with it would sit less than 4,096 bytes under EIP-170): a rebalance's trades on the lending market
/// and the venues, and `hedgeStatus()`, which the core's `fallback` routes to it.
interface IDeltaHedgeLendingModule {
    /// @notice The asset table and market the module was built with; the core checks them.
    function moduleConfig() external view returns (address assetTable, LendingInit memory lending);

    /// @notice Runs a rebalance's one leg with its lending steps (see `DeltaHedgeLendingModule`);
    /// returns the oracle value traded, quote WAD. Only by DELEGATECALL from the vault's core.
    function tradeLegs(
        Leg[] calldata legs,
        uint256[] calldata prices,
        uint256 quoteBeforeWad,
        uint256 debtBeforeWad,
        uint256 rewardBps,
        uint256 maxPoolDeviationBps
    ) external returns (uint256 traded);

    /// @notice `IDeltaHedgeVaultCore.hedgeStatus`, run on the vault's state.
    function hedgeStatus() external view returns (HedgeStatus memory);
}

/* solhint-disable no-empty-blocks */
/// @title IDeltaHedgeLendingVault
/// @notice `DeltaHedgeLendingVault`'s merged ABI: the delta-hedged vault's, plus its lending market.
/// When the book needs negative underlying the vault supplies its quote as collateral, borrows the
/// underlying and sells it; it buys back and repays as the need falls.
interface IDeltaHedgeLendingVault is IDeltaHedgeVault, IDeltaHedgeLendingVaultExt {}
/* solhint-enable no-empty-blocks */
