// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

import {
    EngineParams,
    IRebalanceEngine,
    IRebalanceEngineCore,
    IRebalanceEngineExt,
    Reason
} from "./IRebalanceEngine.sol";
import {ILendingLeg, LendingInit} from "./ILendingAdapter.sol";

/// @notice The leverage a vault keeps, its band, its ripcord and its bounds. Leverage is collateral
/// value over equity (C / (C − D)), WAD: 2e18 is 2×.
struct LeverageConfig {
    uint64 targetWad; // where a rebalance aims, in [1×, MAX_LEVERAGE_WAD]
    uint64 minWad; // a lever is due below this; 1× ≤ minWad ≤ targetWad
    uint64 maxWad; // a delever is due above this; targetWad ≤ maxWad < ripcordWad
    uint64 ripcordWad; // anyone may ripcord at or above this; below the market's liquidation leverage
    uint16 maxLtvBps; // no lever or deposit leaves debt above this share of collateral; below the market's LTV
    uint16 ripcordRewardBps; // the ripcord's reward, bps of the value it sells (≤ MAX_REWARD_BPS)
    uint80 maxRipcordReward; // and at most this per call, quote units
}

/// @notice The position now, at oracle prices, and what the predicate and the ripcord say.
struct LeverageStatus {
    Reason reason; // the trigger predicate's answer
    uint256 collateral; // underlying supplied plus held, token units
    uint256 debt; // quote owed less quote held (zero when the vault holds more than it owes), quote units
    uint256 navWad; // equity, quote WAD
    uint256 leverageWad; // collateral value / equity; 0 when there is no equity
    uint256 loanToValueBps; // net debt / collateral value, rounded up
    uint256 healthFactorWad; // at the market's liquidation threshold; type(uint256).max without debt
    bool ripcordDue; // leverage is at or above the ripcord bound: `ripcord()` would run
}

/// @title ILeverageVaultCore
/// @notice What a leverage vault's core runs itself: the engine's hot path (lever and delever), the
/// events and errors of the leverage leg. Its flows, ripcord and flash-loan callback run in its
/// flows module (`ILeverageVaultFlows`), which the core's `fallback` DELEGATECALLs.
interface ILeverageVaultCore is IRebalanceEngineCore, ILendingLeg {
    /// @notice After every rebalance, ripcord and flow that moved the position: leverage before and
    /// after (WAD), and the position left (token units).
    event Releveraged(uint256 leverageBeforeWad, uint256 leverageAfterWad, uint256 collateral, uint256 debt);
    /// @notice A ripcord ran: `sold` of the underlying sold to repay debt, `reward` quote paid to `caller`.
    event Ripcorded(
        address indexed caller,
        uint256 leverageBeforeWad,
        uint256 leverageAfterWad,
        uint256 sold,
        uint256 reward
    );

    /// @notice Leverage is `leverageWad`, below the ripcord bound `ripcordWad`: nothing to do.
    error RipcordNotDue(uint256 leverageWad, uint256 ripcordWad);
    /// @notice The ripcord did not bring leverage down (before, after).
    error LeverageNotReduced(uint256 beforeWad, uint256 afterWad);
    /// @notice The flows module was built for another vault (its asset table or market differs).
    error FlowsMismatch(address flows);
    /// @notice A redemption's whole collateral slice sold for `proceeds`, short of the slice's `debt`:
    /// the position is nearly insolvent and the others would pay the rest (the ripcord comes first).
    error RedemptionShortOfDebt(uint256 debt, uint256 proceeds);
}

/// @title ILeverageVaultFlows
/// @notice A leverage vault's ERC-4626 flows in the underlying, its ripcord and the lending market's
/// flash-loan callback: run by its flows module, on the vault's storage, through the core's `fallback`.
interface ILeverageVaultFlows {
    /// @notice ERC-4626 deposit of the underlying: supplied as collateral, and levered in the same call
    /// to the vault's current leverage at the depositor's cost; stopped while paused or inactive.
    /// @dev Who: anyone. The deposit borrows `assets · netDebt / equity` worth of quote, buys the
    /// underlying with it (oracle-bounded) and supplies it: the vault's leverage does not move and the
    /// other holders pay nothing. Shares are minted for the deposit's value plus what the buy
    /// arrived with at the lower of its oracle value and its cost, less the debt, against NAV rounded up.
    function deposit(uint256 assets, address receiver) external returns (uint256 shares);

    /// @notice ERC-4626 redemption in the underlying; works while paused.
    /// @dev Burns `shares` and unwinds their slice: withdraws enough collateral to sell for the
    /// slice's debt (oracle-bounded), repays with all the sale brought, and pays the rest of the
    /// collateral slice, plus the sale's excess at its oracle value, in the underlying. Reverts when the
    /// market will not let the collateral out (the ripcord exists for that).
    function redeem(uint256 shares, address receiver, address owner) external returns (uint256 assets);

    /// @notice Emergency delever, callable by anyone while leverage is at or above `ripcordWad`: sells
    /// collateral for quote and repays, toward the target, at most `maxTradeBps` of NAV per call, for a
    /// reward of `ripcordRewardBps` of the value sold (at most `maxRipcordReward`). It ignores the
    /// cooldown and the circuit breaker, and runs while paused; it needs healthy oracles.
    /// @dev Works at every leverage below liquidation: when withdrawing the collateral first would
    /// breach the market's limit it repays first with a flash loan of the quote (repaid from the sale).
    function ripcord() external returns (uint256 reward);

    /// @notice Aave V3's flash-loan callback; runs only inside this vault's own delever.
    /// @dev Refused unless the lending market calls it, the vault started the loan, and a delever is in
    /// progress (a transient flag).
    function executeOperation(
        address asset,
        uint256 amount,
        uint256 premium,
        address initiator,
        bytes calldata params
    ) external returns (bool);
}

/// @title ILeverageFlowsModule
/// @notice The flows module as a contract of its own: what its vault's core checks at construction.
interface ILeverageFlowsModule is ILeverageVaultFlows {
    /// @notice What this module was built for: the vault's asset table and lending market. Called on
    /// the module itself; the vault does not route it.
    function flowsConfig() external view returns (address assetTable, LendingInit memory lending);
}

/// @title ILeverageVaultExt
/// @notice A leverage vault's cold functions, run by its extension: its setup, leverage settings and views.
interface ILeverageVaultExt is IRebalanceEngineExt {
    /// @notice The leverage settings are now these.
    event LeverageConfigSet(LeverageConfig config);

    /// @notice Writes the vault's initial state. Runs only inside the vault's constructor.
    function initialize(
        string calldata name,
        string calldata symbol,
        EngineParams calldata params,
        LeverageConfig calldata config
    ) external;

    /// @notice Replaces the leverage settings. Owner only; every bound is checked (SPEC §16). With a
    /// change delay, a loosening change (another target or ripcord bound, a narrower band, a higher
    /// LTV cap or ripcord reward) must have been queued; a tightening one applies at once.
    function setLeverageConfig(LeverageConfig calldata config) external;

    /// @notice The leverage settings.
    function leverageConfig() external view returns (LeverageConfig memory);

    /// @notice The lending adapter and market, fixed for the vault's life.
    function lending() external view returns (LendingInit memory);

    /// @notice The position and what the predicate and the ripcord say now.
    function leverageStatus() external view returns (LeverageStatus memory);

    /// @notice The underlying (asset 1): deposits and redemptions are in it.
    function asset() external view returns (address);

    /// @notice Equity in the underlying at the feeds' last answers, rounded down.
    function totalAssets() external view returns (uint256);

    /// @notice Shares `assets` of the underlying is worth at NAV, before any trading cost.
    function convertToShares(uint256 assets) external view returns (uint256);

    /// @notice The underlying `shares` are worth at NAV, before any trading cost.
    function convertToAssets(uint256 shares) external view returns (uint256);
}

/* solhint-disable no-empty-blocks */
/// @title ILeverageVault
/// @notice Core and extension merged, the one ABI to call a leverage vault with. Keeps a position of
/// the underlying (asset 1) supplied on a lending market against quote (asset 0) borrowed there at
/// a target leverage, through the engine's permissionless `rebalance()`: when leverage leaves its
/// band a stranger's call levers (borrow, buy, supply) or delevers (withdraw, sell, repay) back to
/// the target, at oracle-bounded prices; above the ripcord bound anyone may delever at once.
interface ILeverageVault is
    IRebalanceEngine,
    ILeverageVaultCore,
    ILeverageVaultFlows,
    ILeverageVaultExt,
    IERC20Metadata,
    IERC20Permit
{}
/* solhint-enable no-empty-blocks */
