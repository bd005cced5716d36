// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {IBallastErrors} from "../interfaces/IBallastErrors.sol";
import {
    AmountSettings,
    AssetConfig,
    EngineImmutables,
    EngineInit,
    EngineParams,
    EngineSettings,
    EngineState,
    IRebalanceEngineCore,
    IRebalanceEngineExt,
    Reason,
    RebalanceStatus
} from "../interfaces/IRebalanceEngine.sol";
import {BPS, ConstantsLib} from "../libraries/ConstantsLib.sol";
import {EngineBase, Rounding} from "./EngineBase.sol";
import {EngineConfigLib} from "./EngineConfigLib.sol";

/// @title EngineExtension
/// @notice The cold half of every Ballast vault: activation and its token probe, pause, roles
/// (OpenZeppelin's Ownable2Step admin and a pause-only guardian), every engine setter and getter, and
/// the automation views that restate the predicate (`checkUpkeep`, `checker`, `pricesWad`). A vault's
/// core reaches it by DELEGATECALL from its `fallback`, so it runs on the vault's storage with the
/// caller's `msg.sender`; nothing here runs during `rebalance()` or a deposit.
/// @dev Deployed once per vault, before the core, with the vault's `EngineInit`: the constructor
/// derives the immutables the core then copies. Called directly (not through a vault), it acts on
/// its own empty storage, whose owner is the extension itself: no one can configure it, and nothing
/// it holds is of value.
abstract contract EngineExtension is IRebalanceEngineExt, EngineBase, Ownable2Step {
    using SafeTransferLib for address;

    /* ---------------------------------------------------------------- CONSTRUCTOR */

    /// @dev The highest fee tier among the vault's pools, in bps rounded up: slippage must exceed it
    /// plus the pool deviation allowed, or a leg the predicate calls due could not meet its bound.
    uint256 private immutable MAX_POOL_FEE_BPS;

    constructor(
        EngineInit memory init
    ) EngineBase(EngineConfigLib.deriveImmutables(init)) Ownable(address(this)) {
        AssetConfig[] memory cfg = _assetConfigs();
        uint256 maxFee;
        for (uint256 i = 1; i < cfg.length; ++i) {
            if (cfg[i].poolFee > maxFee) maxFee = cfg[i].poolFee;
        }
        MAX_POOL_FEE_BPS = (maxFee + 99) / 100; // hundredths of a bip -> bps, rounded up
    }

    /* ---------------------------------------------------------------- MODIFIERS */

    /// @dev `initialize` runs only inside a constructor's DELEGATECALL: a deployed vault (or this
    /// extension) has code, a vault under construction has none yet.
    modifier onlyInitializing() {
        if (address(this).code.length != 0) revert IBallastErrors.NotInitializing();
        _;
    }

    modifier onlyGuardianOrOwner() {
        if (msg.sender != _engine().guardian && msg.sender != owner())
            revert IBallastErrors.NotGuardian(msg.sender);
        _;
    }

    /* ---------------------------------------------------------------- ONLY ADMIN */

    /// @inheritdoc IRebalanceEngineExt
    function activate() external onlyOwner nonReentrant {
        EngineState storage state = _engine().state;
        if (state.active) revert IBallastErrors.AlreadyActive();
        AssetConfig[] memory cfg = _assetConfigs();
        for (uint256 i; i < cfg.length; ++i) {
            _probeTransfers(cfg[i].token, _probeAmount(cfg[i].decimals));
            cfg[i].token.safeApproveWithRetry(ROUTER, type(uint256).max);
        }
        state.active = true;
        emit Activated();
    }

    /// @inheritdoc IRebalanceEngineExt
    function unpause() external onlyOwner {
        _engine().state.paused = false;
        emit PausedSet(false, msg.sender);
    }

    /// @inheritdoc IRebalanceEngineExt
    function setGuardian(address guardian_) external onlyOwner {
        _setGuardian(guardian_);
    }

    /// @inheritdoc IRebalanceEngineExt
    function setEngineSettings(EngineSettings calldata settings) external onlyOwner {
        _setEngineSettings(settings);
    }

    /// @inheritdoc IRebalanceEngineExt
    function setAmountSettings(AmountSettings calldata settings) external onlyOwner {
        _setAmountSettings(settings);
    }

    /// @inheritdoc IRebalanceEngineExt
    function setMaxStaleness(uint256 asset, uint256 maxStalenessSeconds) external onlyOwner {
        _setMaxStaleness(asset, maxStalenessSeconds);
    }

    /* ---------------------------------------------------------------- ONLY GUARDIAN */

    /// @inheritdoc IRebalanceEngineExt
    function pause() external onlyGuardianOrOwner {
        _engine().state.paused = true;
        emit PausedSet(true, msg.sender);
    }

    /* ---------------------------------------------------------------- VIEWS */

    /// @inheritdoc IRebalanceEngineExt
    function checkUpkeep(bytes calldata) external view returns (bool upkeepNeeded, bytes memory performData) {
        RebalanceStatus memory st = _status();
        return (st.reason == Reason.Due, abi.encode(st.reason, st.detail));
    }

    /// @inheritdoc IRebalanceEngineExt
    function checker() external view returns (bool canExec, bytes memory execPayload) {
        RebalanceStatus memory st = _status();
        if (st.reason == Reason.Due) return (true, abi.encodeCall(IRebalanceEngineCore.rebalance, ()));
        return (false, abi.encodeWithSelector(IBallastErrors.RebalanceNotDue.selector, st.reason, st.detail));
    }

    /// @inheritdoc IRebalanceEngineExt
    function pricesWad() external view returns (uint256[] memory) {
        return _valuationOrRevert(Rounding.Down).prices;
    }

    /// @inheritdoc IRebalanceEngineExt
    function probeAmount(uint256 i) external view returns (uint256) {
        return _probeAmount(_assetConfigs()[i].decimals);
    }

    /// @inheritdoc IRebalanceEngineExt
    function extensionImmutables() external view returns (EngineImmutables memory) {
        return _immutables();
    }

    /// @inheritdoc IRebalanceEngineExt
    function assetCount() external view returns (uint256) {
        return ASSET_COUNT;
    }

    /// @inheritdoc IRebalanceEngineExt
    function assetConfig(uint256 asset) external view returns (AssetConfig memory) {
        return _assetConfigs()[asset];
    }

    /// @inheritdoc IRebalanceEngineExt
    function maxStaleness(uint256 asset) external view returns (uint256) {
        return _engine().maxStalenessSeconds[asset];
    }

    /// @inheritdoc IRebalanceEngineExt
    function engineSettings() external view returns (EngineSettings memory) {
        return _engine().settings;
    }

    /// @inheritdoc IRebalanceEngineExt
    function amountSettings() external view returns (AmountSettings memory) {
        return _engine().amounts;
    }

    /// @inheritdoc IRebalanceEngineExt
    function engineState() external view returns (EngineState memory) {
        return _engine().state;
    }

    /// @inheritdoc IRebalanceEngineExt
    function guardian() external view returns (address) {
        return _engine().guardian;
    }

    /// @inheritdoc IRebalanceEngineExt
    function paused() external view returns (bool) {
        return _engine().state.paused;
    }

    /// @inheritdoc IRebalanceEngineExt
    function active() external view returns (bool) {
        return _engine().state.active;
    }

    /* ---------------------------------------------------------------- INTERNAL */

    /// @dev The core's `rebalanceStatus()`, the one authoritative answer, read through this vault's
    /// own address: the restating views cannot drift from what `rebalance()` enforces.
    function _status() internal view returns (RebalanceStatus memory) {
        return IRebalanceEngineCore(address(this)).rebalanceStatus();
    }

    /// @dev The engine's share of `initialize`: admin, guardian, staleness limits and settings, each
    /// checked against its bounds.
    function _initializeEngine(EngineParams memory p) internal {
        if (p.admin == address(0)) revert IBallastErrors.ZeroAddress();
        if (p.maxStalenessSeconds.length != ASSET_COUNT)
            revert IBallastErrors.InvalidAssetCount(p.maxStalenessSeconds.length);
        _transferOwnership(p.admin);
        _setGuardian(p.guardian);
        for (uint256 i; i < ASSET_COUNT; ++i) {
            _setMaxStaleness(i, p.maxStalenessSeconds[i]);
        }
        _setEngineSettings(p.settings);
        _setAmountSettings(p.amounts);
    }

    /// @dev 1% of one whole token, at least 1 unit.
    function _probeAmount(uint8 decimals) private pure returns (uint256) {
        uint256 unit = 10 ** decimals;
        return unit >= 100 ? unit / 100 : 1;
    }

    /// @dev Moves `amount` in from the admin and back, checking the vault's balance moves by exactly
    /// `amount` both ways. Refuses fee-on-transfer tokens (and tokens that rebase within a call).
    function _probeTransfers(address token, uint256 amount) private {
        uint256 start = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - start;
        if (received != amount) revert IBallastErrors.TransferAmountMismatch(token, amount, received);
        token.safeTransfer(msg.sender, amount);
        uint256 sent = start + amount - token.balanceOf(address(this));
        if (sent != amount) revert IBallastErrors.TransferAmountMismatch(token, amount, sent);
    }

    function _setGuardian(address guardian_) private {
        if (guardian_ == address(0)) revert IBallastErrors.ZeroAddress();
        _engine().guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    function _setMaxStaleness(uint256 asset, uint256 seconds_) private {
        if (asset >= ASSET_COUNT) revert IBallastErrors.InvalidAssetCount(asset);
        ConstantsLib.checkBound(
            "maxStalenessSeconds",
            seconds_,
            ConstantsLib.MIN_STALENESS_SECONDS,
            ConstantsLib.MAX_STALENESS_SECONDS
        );
        _engine().maxStalenessSeconds[asset] = uint32(seconds_);
        emit StalenessSet(asset, seconds_);
    }

    function _setEngineSettings(EngineSettings memory s) private {
        ConstantsLib.checkBound("maxSlippageBps", s.maxSlippageBps, 1, ConstantsLib.MAX_SLIPPAGE_BPS);
        ConstantsLib.checkBound(
            "maxPoolDeviationBps",
            s.maxPoolDeviationBps,
            1,
            ConstantsLib.MAX_POOL_DEVIATION_BPS
        );
        // A pool at the deviation bound, through the dearest fee tier, must still clear the slippage
        // bound (one bp to spare for rounding): otherwise the views say due and rebalance() reverts.
        ConstantsLib.checkBound(
            "maxSlippageBps",
            s.maxSlippageBps,
            uint256(s.maxPoolDeviationBps) + MAX_POOL_FEE_BPS + 1,
            ConstantsLib.MAX_SLIPPAGE_BPS
        );
        ConstantsLib.checkBound("maxTradeBps", s.maxTradeBps, ConstantsLib.MIN_TRADE_CAP_BPS, BPS);
        ConstantsLib.checkBound("bandHysteresisBps", s.bandHysteresisBps, 0, ConstantsLib.MAX_HYSTERESIS_BPS);
        ConstantsLib.checkBound("cooldownSeconds", s.cooldownSeconds, 0, ConstantsLib.MAX_COOLDOWN_SECONDS);
        ConstantsLib.checkBound(
            "intervalSeconds",
            s.intervalSeconds,
            ConstantsLib.MIN_INTERVAL_SECONDS,
            ConstantsLib.MAX_INTERVAL_SECONDS
        );
        ConstantsLib.checkBound(
            "periodSeconds",
            s.periodSeconds,
            ConstantsLib.MIN_PERIOD_SECONDS,
            ConstantsLib.MAX_PERIOD_SECONDS
        );
        ConstantsLib.checkBound("maxRebalancesPerPeriod", s.maxRebalancesPerPeriod, 1, type(uint16).max);
        ConstantsLib.checkBound(
            "maxCostBpsPerPeriod",
            s.maxCostBpsPerPeriod,
            1,
            ConstantsLib.MAX_COST_BPS_PER_PERIOD
        );
        ConstantsLib.checkBound("rewardBps", s.rewardBps, 0, ConstantsLib.MAX_REWARD_BPS);
        _engine().settings = s;
        emit EngineSettingsSet(s);
    }

    function _setAmountSettings(AmountSettings memory a) private {
        // A floor against dust legs: one hundredth of a quote token (a cent of a USD quote).
        ConstantsLib.checkBound("minTradeValue", a.minTradeValue, (QUOTE_UNIT + 99) / 100, type(uint96).max);
        ConstantsLib.checkBound(
            "rewardCapPerPeriod",
            a.rewardCapPerPeriod,
            a.maxRewardPerCall,
            type(uint80).max
        );
        _engine().amounts = a;
        emit AmountSettingsSet(a);
    }
}
