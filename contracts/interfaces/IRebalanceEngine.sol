// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AutomationCompatibleInterface} from "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";

/// @notice Why the trigger predicate says no (or `Due` when a rebalance is due).
/// @dev Order is part of the ABI: keepers and the status task decode it. Append only.
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
    /// @dev delta-hedged vault: the options book reverted, returned a malformed list, or too many legs
    BookUnreadable
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
    uint32 periodSeconds; // window of the circuit breaker and of the reward cap
    uint16 maxRebalancesPerPeriod; // circuit breaker: rebalances per period
    uint16 maxCostBpsPerPeriod; // circuit breaker: cumulative cost per period, bps of NAV
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
struct EngineState {
    bool active; // set by activate() once the token probe passed
    bool paused; // set by the guardian or admin
    uint40 lastRebalanceAt;
    uint40 periodStart;
    uint16 rebalancesInPeriod;
    uint32 costBpsInPeriod; // bps of NAV, each rebalance rounded up
    uint96 rewardPaidInPeriod; // quote units
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

/// @title IRebalanceEngine
/// @notice The keeper-facing surface shared by every Ballast vault: one trigger predicate behind
/// `rebalance()`, Chainlink Automation's `checkUpkeep`/`performUpkeep`, Gelato's `checker()` and
/// `rebalanceStatus()`. They cannot disagree because all of them call the same internal view.
interface IRebalanceEngine is AutomationCompatibleInterface {
    /// @notice One executed swap.
    event RebalanceLeg(
        uint256 indexed asset,
        bool isSell,
        uint256 amountIn,
        uint256 amountOut,
        uint256 minAmountOut
    );
    /// @notice Summary of one executed rebalance (NAV in quote WAD at oracle prices).
    event Rebalanced(
        address indexed caller,
        uint256 navBeforeWad,
        uint256 navAfterWad,
        uint256 deviationBeforeWad,
        uint256 deviationAfterWad,
        uint256 tradedValueWad,
        uint256 reward
    );
    event Activated();
    event PausedSet(bool paused, address indexed by);
    event GuardianSet(address indexed guardian);
    event EngineSettingsSet(EngineSettings settings);
    event AmountSettingsSet(AmountSettings settings);
    event StalenessSet(uint256 indexed asset, uint256 maxStalenessSeconds);

    /// @notice Executes the plan the trigger predicate computes, if one is due.
    /// @dev Who: anyone (keepers, automation networks, strangers). Manipulation: the caller picks the
    /// block and can move pools first; legs' minimum outputs come from the oracle less
    /// `maxSlippageBps`, execution is refused when a pool is further than `maxPoolDeviationBps` from
    /// the oracle, at most `maxTradeBps` of NAV trades per call, and a post-condition reverts unless
    /// the deviation fell and the NAV loss stayed within the slippage bound on the traded value. The
    /// caller cannot pass amounts, routes or limits. The reward is paid only when this executes.
    /// @return reward The keeper reward paid to `msg.sender`, in quote units.
    function rebalance() external returns (uint256 reward);

    /// @notice Gelato resolver: `(true, rebalance calldata)` when due, else `(false, abi.encodeWithSelector(RebalanceNotDue.selector, reason, detail))`, the same bytes `rebalance()` would revert with.
    function checker() external view returns (bool canExec, bytes memory execPayload);

    /// @notice The trigger predicate's full answer with the plan it would execute now.
    function rebalanceStatus() external view returns (RebalanceStatus memory);

    /// @notice Activates the vault after probing each token: a token that moves a different amount
    /// than asked (fee-on-transfer) is refused. Pulls `probeAmount(i)` of each asset from the admin
    /// and returns it in the same call; approves the router.
    function activate() external;

    /// @notice Stops rebalancing and deposits. Guardian or admin. Redemption in kind keeps working.
    function pause() external;

    /// @notice Resumes. Admin only.
    function unpause() external;

    function setGuardian(address guardian) external;
    function setEngineSettings(EngineSettings calldata settings) external;
    function setAmountSettings(AmountSettings calldata settings) external;
    function setMaxStaleness(uint256 asset, uint256 maxStalenessSeconds) external;

    function assetCount() external view returns (uint256);
    function assetConfig(uint256 asset) external view returns (AssetConfig memory);
    function maxStaleness(uint256 asset) external view returns (uint256);
    function engineSettings() external view returns (EngineSettings memory);
    function amountSettings() external view returns (AmountSettings memory);
    function engineState() external view returns (EngineState memory);
    function guardian() external view returns (address);
    function paused() external view returns (bool);
    function active() external view returns (bool);
    /// @notice Oracle prices, quote WAD per whole token; reverts with OracleUnhealthy when unusable.
    function pricesWad() external view returns (uint256[] memory);
}
