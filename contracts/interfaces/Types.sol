// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// The types every Ballast interface, vault and tool shares. IRebalanceEngine.sol imports them all, so
// `import {Reason} from "./IRebalanceEngine.sol"` keeps working.

/// @notice Why the trigger predicate says no (or `Due` when a rebalance is due).
/// @dev Order is part of the ABI: keepers, the lens and the status task decode it. Append only.
/// Oracle and strategy checks that pass report `HEALTHY` (the same value as `Due`, named for what it
/// means there).
enum Reason {
    Due,
    NotActive,
    Paused,
    SequencerDown,
    SequencerGracePeriod,
    OracleStale,
    OracleInvalidAnswer,
    EmptyVault,
    Cooldown,
    CircuitBreaker,
    WithinBand,
    IntervalNotElapsed,
    BelowMinTrade,
    PoolPriceDeviation,
    /// @dev delta-hedged vault: the volatility feed is stale, or σ is outside its configured bounds
    VolatilityUnhealthy,
    /// @dev delta-hedged vault: the options book reverted, returned a malformed list, too many legs,
    /// or legs out of expiry order
    BookUnreadable,
    /// @dev delta-hedged vault: the book changed since the last rebalance and the last rebalance that
    /// followed a change was less than `bookCooldownSeconds` ago; detail: when the next may
    BookChangeCooldown,
    /// @dev vault with a lending leg: the lending market will not take the trade now (the reserve is
    /// paused or frozen, borrowing is off, or a cap or the cash leaves no room); detail: the asset
    LendingUnavailable
}

/// @notice When a rebalance is due.
enum Policy {
    /// @dev every `intervalSeconds` since the last rebalance
    Time,
    /// @dev when the strategy reports a position outside its band
    Threshold,
    /// @dev either of the above
    Hybrid
}

/// @notice Where a rebalance lands.
enum Mode {
    /// @dev all the way to target
    ToTarget,
    /// @dev to the inner band edge, `(1 - bandHysteresisBps)` of the band from target
    ToBandEdge
}

/// @notice Execution, trigger and safety settings; one storage slot.
struct EngineSettings {
    Policy policy;
    Mode mode;
    uint16 maxSlippageBps; // each leg's minimum output is the oracle value less this
    uint16 maxPoolDeviationBps; // refuse when pool spot is further than this from the oracle
    uint16 maxTradeBps; // traded value per call, bps of NAV (larger drifts complete over several calls)
    uint16 bandHysteresisBps; // band-edge mode lands this fraction of the band inside the edge
    uint32 cooldownSeconds; // minimum time between two rebalances
    uint32 intervalSeconds; // time policy: due this long after the last rebalance
    uint32 periodSeconds; // the circuit breaker's and the reward cap's rolling window
    uint16 maxRebalancesPerPeriod; // circuit breaker: rebalances per rolling period
    uint16 maxCostBpsPerPeriod; // circuit breaker: cost to holders (NAV lost + rewards) per rolling period, bps of NAV
    uint16 rewardBps; // keeper reward, bps of the value traded
}

/// @notice Amount-denominated settings, in quote-asset units; one storage slot.
struct AmountSettings {
    uint96 minTradeValue; // legs worth less than this are dropped; no legs left means BelowMinTrade
    uint80 maxRewardPerCall; // cap on one call's keeper reward
    uint80 rewardCapPerPeriod; // cap on the rewards paid within one period
}

/// @notice Static description of one asset, fixed at construction.
struct AssetConfig {
    address token;
    uint8 decimals; // token decimals
    address feed; // Chainlink AggregatorV3Interface, quote-numeraire (e.g. USD) per token
    uint8 feedDecimals;
    address pool; // Uniswap V3 pool asset/quote; zero for the quote asset
    uint24 poolFee; // the pool's fee tier, hundredths of a bip
    bool assetIsToken0; // pool ordering
}

/// @notice One swap of a rebalance plan. Values are in quote WAD at oracle prices.
struct Leg {
    uint8 asset; // index of the non-quote asset traded against the quote asset
    bool isSell; // true: asset -> quote; false: quote -> asset
    uint256 amountIn; // in tokenIn units
    uint256 minAmountOut; // oracle value of amountIn less maxSlippageBps, in tokenOut units
    uint256 valueWad; // oracle value of amountIn, quote WAD
}

/// @notice Rolling state of the engine and its switches; one storage slot, read once per call.
/// @dev The circuit breaker keeps three loads over a rolling window (leaky buckets): each rebalance
/// adds to them and each drains linearly by its per-period cap every `periodSeconds` — no reset, no
/// cliff. A load is stored as the time it would be fully drained: load(t) = cap · (clearAt − t) /
/// period while positive, so "load + x ≤ cap" reads "max(clearAt, t) + x · period / cap ≤ t + period".
struct EngineState {
    bool active; // set by activate() once the token probe passed
    bool paused; // set by the guardian or admin
    uint40 lastRebalanceAt;
    uint40 rebalancesClearAt; // each rebalance adds periodSeconds / maxRebalancesPerPeriod
    uint40 costClearAt; // each rebalance adds its cost to holders (NAV lost + reward) / maxCostBpsPerPeriod of a period
    uint40 rewardsClearAt; // each reward adds reward / rewardCapPerPeriod of a period
    uint32 venueVersion; // the venue table in force: SSTORE2 at the vault's deterministic address for this salt
}

/// @notice What the trigger predicate sees: the answer, and the plan it would execute.
struct RebalanceStatus {
    Reason reason;
    uint256 detail; // asset index (oracle, pool) or timestamp (cooldown, interval) the reason names
    uint256 navWad; // quote WAD at oracle prices
    uint256 deviationWad; // the strategy's deviation measure (target-weight vault: sum of |weight - target|)
    bool outOfBand;
    uint256 nextEligibleAt; // earliest timestamp the cooldown, interval or circuit breaker allows
    Leg[] legs; // sells first, then buys; empty unless reason is Due
}

// A health check that passed (an oracle read, the sequencer, a strategy's own inputs). The same value
// as `Reason.Due`, so a passing check needs no translation before the predicate reports it.
Reason constant HEALTHY = Reason.Due;

/// @notice A venue as the owner lists it: a pool of one adapter's kind on which `asset` trades against
/// `counter` (0: the quote asset; another non-quote asset: a direct route).
struct VenueInput {
    address adapter; // an IVenueAdapter
    address pool;
    uint8 asset;
    uint8 counter;
}

/// @notice A listed venue: the input and the call target its adapter named when it was listed, the
/// only address a swap on it may call (and the spender the vault approved for its two tokens).
struct Venue {
    address adapter;
    address pool;
    address target;
    uint8 asset;
    uint8 counter;
}

/// @notice What kind of vault a Ballast address is; off-chain callers type it by this.
/// @dev `None` is what the lens reports for an address that is not a Ballast vault. Append only.
enum VaultKind {
    None,
    TargetWeight,
    DeltaHedge,
    Leverage
}

/// @notice One asset as the deployer names it; decimals, pool fee and token order are read from the chain.
struct AssetInput {
    address token;
    address feed; // Chainlink feed: numeraire (e.g. USD) per token
    address pool; // Uniswap V3 pool of this asset against the quote asset; zero for the quote asset
}

/// @notice What is fixed for a vault's life: its extension's constructor takes this and derives the
/// immutables both halves share.
struct EngineInit {
    AssetInput[] assets; // assets[0] is the quote asset
    address venueModule; // the VenueModule every swap runs through (DELEGATECALL)
    address sequencerFeed; // L2 sequencer uptime feed, or zero on L1
    uint256 sequencerGraceSeconds;
}

/// @notice The engine's initial, changeable state: the vault's constructor takes it.
struct EngineParams {
    address admin;
    address guardian;
    EngineSettings settings;
    AmountSettings amounts;
    uint32[] maxStalenessSeconds; // one per asset, quote first
}

/// @notice A vault's first venue list: its core's constructor takes it.
struct VenueInit {
    VenueInput[] venues; // at least one against the quote asset for every other asset
    uint256 minSplitGainWad; // expected gain (quote WAD) an extra venue must bring to a leg
}

/// @notice The immutables a vault's core and extension share. The extension derives them from an
/// `EngineInit`; the core copies them from its extension at construction, so the two cannot differ.
struct EngineImmutables {
    uint256 assetCount; // quote asset included
    address assetTable; // SSTORE2 pointer to `abi.encode(AssetConfig[])`
    address quote; // asset 0
    uint256 quoteUnit; // 10 ** quote decimals
    address sequencerFeed; // zero on L1
    uint256 sequencerGraceSeconds;
    address venueModule; // the VenueModule every swap runs through (DELEGATECALL)
}
