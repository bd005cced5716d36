// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IBallastErrors} from "./IBallastErrors.sol";
import {IVenueModuleExt} from "./IVenueModule.sol";
// Re-exported: importers of this file get every shared type with the interfaces.
/* solhint-disable no-unused-import */
import {
    AmountSettings,
    AssetConfig,
    AssetInput,
    EngineImmutables,
    EngineInit,
    EngineParams,
    EngineSettings,
    EngineState,
    HEALTHY,
    Leg,
    Mode,
    Policy,
    Reason,
    RebalanceStatus,
    VaultKind,
    Venue,
    VenueInit,
    VenueInput
} from "./Types.sol";
/* solhint-enable no-unused-import */

/// @title IRebalanceEngineCore
/// @notice The engine functions a vault's core runs itself: the hot path, which pays nothing for the
/// core/extension split. Every other engine function is in `IRebalanceEngineExt`, reached through the
/// core's `fallback`; `IRebalanceEngine` is the two merged, the ABI to call a vault with.
interface IRebalanceEngineCore {
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

    /// @notice Executes the plan the trigger predicate computes, if one is due.
    /// @dev Who: anyone (keepers, automation networks, strangers). Manipulation: the caller picks the
    /// block and can move pools first; legs' minimum outputs come from the oracle less
    /// `maxSlippageBps`, execution is refused when a pool is further than `maxPoolDeviationBps` from
    /// the oracle, at most `maxTradeBps` of NAV trades per call, and a post-condition reverts unless
    /// the deviation fell and the NAV loss stayed within the slippage bound on the traded value. The
    /// caller cannot pass amounts, routes or limits. The reward is paid only when this executes.
    /// @return reward The keeper reward paid to `msg.sender`, in quote units.
    function rebalance() external returns (uint256 reward);

    /// @notice Chainlink Automation's entry point: `rebalance()` with the reward to `msg.sender`;
    /// `performData` is ignored and the predicate re-checked.
    /// @dev Who: anyone, like `rebalance()`; the same protections apply.
    function performUpkeep(bytes calldata performData) external;

    /// @notice The trigger predicate's full answer with the plan it would execute now. The one
    /// authoritative view: `checkUpkeep`, `checker`, the lens and `rebalance()` itself agree with it.
    function rebalanceStatus() external view returns (RebalanceStatus memory);

    /// @notice The extension this core DELEGATECALLs for every selector it does not have itself.
    function extension() external view returns (address);
}

/// @title IRebalanceEngineExt
/// @notice The engine's cold functions, run by the vault's extension through the core's `fallback`
/// (DELEGATECALL: same storage, same address, `msg.sender` preserved): activation, pause, roles,
/// every setter and getter, and the automation views that restate the predicate.
interface IRebalanceEngineExt {
    /// @notice `activate()` passed its token probe: rebalancing and deposits may start.
    event Activated();
    /// @notice Paused or resumed, by whom.
    event PausedSet(bool paused, address indexed by);
    /// @notice The guardian (pause-only role) is now `guardian`.
    event GuardianSet(address indexed guardian);
    /// @notice The engine settings are now these.
    event EngineSettingsSet(EngineSettings settings);
    /// @notice The amount settings are now these (quote units).
    event AmountSettingsSet(AmountSettings settings);
    /// @notice Asset `asset`'s feed staleness limit is now `maxStalenessSeconds`.
    event StalenessSet(uint256 indexed asset, uint256 maxStalenessSeconds);
    /// @notice A change that loosens what a rebalance may cost or when it may happen was announced: the
    /// setter call `data` (selector included) may apply it from `eta` for `CHANGE_GRACE_SECONDS`.
    event ChangeQueued(bytes32 indexed id, bytes data, uint256 eta);
    /// @notice The queued change `id` was cancelled (by the owner or the guardian).
    event ChangeCancelled(bytes32 indexed id);

    /// @notice Activates the vault after probing each token: a token that moves a different amount
    /// than asked (fee-on-transfer) is refused. Pulls `probeAmount(i)` of each asset from the admin
    /// and returns it in the same call; approves the router. Admin only.
    function activate() external;

    /// @notice Stops rebalancing and deposits. Guardian or admin. Withdrawals keep working.
    function pause() external;

    /// @notice Resumes. Admin only.
    function unpause() external;

    /// @notice Replaces the guardian (the pause-only role). Admin only; zero is refused.
    function setGuardian(address guardian) external;

    /// @notice Replaces the engine settings; every field is checked against ConstantsLib's bounds. Admin only.
    /// @dev A change that loosens (SPEC §3.5) — a higher slippage, pool deviation, trade cap,
    /// rebalance count, cost cap or reward; a shorter cooldown or interval; any change of policy, mode,
    /// hysteresis or period — applies only as a call queued with `queueChange` at least
    /// `changeDelaySeconds()` before; else it reverts with ChangeNotReady. Tightening applies at once.
    function setEngineSettings(EngineSettings calldata settings) external;

    /// @notice Replaces the amount settings (quote units); `rewardCapPerPeriod ≥ maxRewardPerCall`. Admin only.
    /// @dev Loosening (a lower minimum trade, a higher reward per call or per period) must be queued,
    /// as for `setEngineSettings`.
    function setAmountSettings(AmountSettings calldata settings) external;

    /// @notice Sets one asset's feed staleness limit, in [MIN_STALENESS_SECONDS, MAX_STALENESS_SECONDS]. Admin only.
    /// @dev Raising it must be queued, as for `setEngineSettings`.
    function setMaxStaleness(uint256 asset, uint256 maxStalenessSeconds) external;

    /// @notice Announces a loosening change: `data` is the exact calldata of the setter call (selector
    /// included) that may then apply from `eta = now + changeDelaySeconds()` until `eta +
    /// CHANGE_GRACE_SECONDS`. Admin only. It checks nothing: the setter checks its bounds when called.
    /// @return id `keccak256(data)`.
    /// @return eta When the call may apply.
    function queueChange(bytes calldata data) external returns (bytes32 id, uint256 eta);

    /// @notice Drops the queued change `id` (`keccak256` of its calldata). Owner or guardian; reverts
    /// with NoChangeQueued when there is none.
    function cancelChange(bytes32 id) external;

    /// @notice When the queued change `id` (`keccak256` of its calldata) may apply; 0 when none is
    /// queued. It may apply until `eta + CHANGE_GRACE_SECONDS`; after that it must be queued afresh.
    function changeEta(bytes32 id) external view returns (uint256 eta);

    /// @notice How long a loosening change waits (the target-weight vault's target delay; 0 for a
    /// delta-hedged vault, whose only holder is its owner).
    function changeDelaySeconds() external view returns (uint256);

    /// @notice Chainlink Automation (and CRE) check: the trigger predicate's answer, restated.
    /// @return upkeepNeeded True when `rebalance()` would execute now.
    /// @return performData `abi.encode(reason, detail)`, for logs; `performUpkeep` ignores it.
    function checkUpkeep(
        bytes calldata checkData
    ) external view returns (bool upkeepNeeded, bytes memory performData);

    /// @notice Gelato resolver: `(true, rebalance calldata)` when due, else `(false, abi.encodeWithSelector(RebalanceNotDue.selector, reason, detail))`, the same bytes `rebalance()` would revert with.
    function checker() external view returns (bool canExec, bytes memory execPayload);

    /// @notice Oracle prices, quote WAD per whole token; reverts with OracleUnhealthy when unusable.
    function pricesWad() external view returns (uint256[] memory);

    /// @notice The amount of asset `i` that `activate()` moves in and out to probe the token: 1% of one
    /// whole token, at least 1 unit. A fee of 1 bps on it is visible for tokens of 6+ decimals.
    function probeAmount(uint256 i) external view returns (uint256);

    /// @notice Which kind of vault this is; constant.
    function vaultKind() external pure returns (VaultKind);

    /// @notice The immutables the extension was built with (quote asset, router, sequencer feed, asset
    /// table); the core copies them at construction, so the two halves cannot differ.
    function extensionImmutables() external view returns (EngineImmutables memory);

    /// @notice Number of assets, quote asset included.
    function assetCount() external view returns (uint256);

    /// @notice Static description of asset `asset` (0 = quote).
    function assetConfig(uint256 asset) external view returns (AssetConfig memory);

    /// @notice Feed staleness limit of asset `asset`, seconds.
    function maxStaleness(uint256 asset) external view returns (uint256);

    /// @notice The engine settings in force.
    function engineSettings() external view returns (EngineSettings memory);

    /// @notice The amount settings in force (quote units).
    function amountSettings() external view returns (AmountSettings memory);

    /// @notice Activation, pause, last rebalance and the period's counters.
    function engineState() external view returns (EngineState memory);

    /// @notice The pause-only role.
    function guardian() external view returns (address);

    /// @notice Whether rebalancing and deposits are stopped.
    function paused() external view returns (bool);

    /// @notice Whether `activate()` has run.
    function active() external view returns (bool);
}

/// @title IOwnable2Step
/// @notice OpenZeppelin's Ownable2Step as a vault's extension runs it: the admin role, handed over in
/// two steps (`transferOwnership`, then `acceptOwnership` by the new owner).
interface IOwnable2Step {
    /// @notice `newOwner` may now accept the admin role.
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    /// @notice The admin role passed from `previousOwner` to `newOwner`.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    /// @notice The caller is not the owner (OpenZeppelin's error).
    error OwnableUnauthorizedAccount(address account);
    /// @notice The owner given is not valid (OpenZeppelin's error).
    error OwnableInvalidOwner(address owner);

    /// @notice The admin.
    function owner() external view returns (address);

    /// @notice The account `transferOwnership` named, until it accepts.
    function pendingOwner() external view returns (address);

    /// @notice Starts handing the admin role to `newOwner`. Admin only.
    function transferOwnership(address newOwner) external;

    /// @notice Completes the hand-over. The pending owner only.
    function acceptOwnership() external;

    /// @notice Leaves the vault without an admin, for good. Admin only.
    function renounceOwnership() external;
}

/* solhint-disable no-empty-blocks */
/// @title IRebalanceEngine
/// @notice The keeper-facing surface every Ballast vault answers at its one address, core and
/// extension merged: one trigger predicate behind `rebalance()`, Chainlink Automation's
/// `checkUpkeep`/`performUpkeep`, Gelato's `checker()` and `rebalanceStatus()`. They cannot disagree
/// because the views restate `rebalanceStatus()`, which calls the same internal view `rebalance()` does.
interface IRebalanceEngine is
    IRebalanceEngineCore,
    IRebalanceEngineExt,
    IVenueModuleExt,
    IOwnable2Step,
    IBallastErrors
{}
/* solhint-enable no-empty-blocks */
