// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {IBallastErrors} from "../interfaces/IBallastErrors.sol";
import {IVenueModuleExt} from "../interfaces/IVenueModule.sol";
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
import {ChangeQueueLib} from "../libraries/ChangeQueueLib.sol";
import {BPS, ConstantsLib} from "../libraries/ConstantsLib.sol";
import {ENGINE_STORAGE_SLOT, EngineBase, Rounding} from "./EngineBase.sol";
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
    /// @dev EngineStorage's slots, in field order: settings, amounts, state, maxStalenessSeconds.
    uint256 private constant ENGINE_SETTINGS_SLOT = uint256(ENGINE_STORAGE_SLOT);
    uint256 private constant AMOUNT_SETTINGS_SLOT = uint256(ENGINE_STORAGE_SLOT) + 1;
    uint256 private constant STALENESS_SLOT = uint256(ENGINE_STORAGE_SLOT) + 3;

    /// @dev `_loosens` tables (16 bits per field, lowest first: byte offset, width in bytes, rule).
    /// EngineSettings: policy, mode (any change); slippage, pool deviation, trade cap (higher looser);
    /// hysteresis (any change); cooldown, interval (lower looser); period (any change: a longer one
    /// would also shrink the breaker's recorded load); rebalances, cost cap, reward (higher looser).
    uint256 private constant ENGINE_SETTINGS_FIELDS =
        0x121a_1218_1216_3412_240e_240a_3208_1206_1204_1202_3101_3100;
    /// @dev AmountSettings: minimum trade (lower looser); reward per call and per period (higher looser).
    uint256 private constant AMOUNT_SETTINGS_FIELDS = 0x1a16_1a0c_2c00;
    /// @dev maxStalenessSeconds: eight uint32 limits (higher looser).
    uint256 private constant STALENESS_FIELDS = 0x141c_1418_1414_1410_140c_1408_1404_1400;

    /// @dev How long a loosening change waits (SPEC §3.5); 0 applies every change at once.
    uint256 internal immutable CHANGE_DELAY_SECONDS;

    /// @param changeDelaySeconds How long a loosening change waits; 0 for a vault whose only holder is
    /// its owner (who could take its funds out at once anyway).
    constructor(
        EngineInit memory init,
        uint256 changeDelaySeconds
    ) EngineBase(EngineConfigLib.deriveImmutables(init)) Ownable(address(this)) {
        CHANGE_DELAY_SECONDS = changeDelaySeconds;
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

    /// @notice The venue list, its setter and the keeper's routed rebalance run in the venue module, on
    /// the vault's storage with `msg.sender` preserved. Nothing else reaches the module this way: its
    /// execution entry point is the core's alone.
    // solhint-disable-next-line no-complex-fallback
    fallback() external {
        if (
            msg.sig != IVenueModuleExt.setVenues.selector &&
            msg.sig != IVenueModuleExt.venues.selector &&
            msg.sig != IVenueModuleExt.rebalanceRouted.selector
        ) revert IBallastErrors.UnknownSelector(msg.sig);
        address module = VENUE_MODULE;
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, 0, calldatasize())
            let ok := delegatecall(gas(), module, m, calldatasize(), 0, 0)
            returndatacopy(m, 0, returndatasize())
            if iszero(ok) {
                revert(m, returndatasize())
            }
            return(m, returndatasize())
        }
    }

    /* ---------------------------------------------------------------- ONLY ADMIN */

    /// @inheritdoc IRebalanceEngineExt
    function activate() external onlyOwner nonReentrant {
        EngineState storage state = _engine().state;
        if (state.active) revert IBallastErrors.AlreadyActive();
        AssetConfig[] memory cfg = _assetConfigs();
        for (uint256 i; i < cfg.length; ++i) {
            _probeTransfers(cfg[i].token, _probeAmount(cfg[i].decimals));
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
        uint256 old = _sload(ENGINE_SETTINGS_SLOT);
        _setEngineSettings(settings);
        _gateWord(_sload(ENGINE_SETTINGS_SLOT), old, ENGINE_SETTINGS_FIELDS);
    }

    /// @inheritdoc IRebalanceEngineExt
    function setAmountSettings(AmountSettings calldata settings) external onlyOwner {
        uint256 old = _sload(AMOUNT_SETTINGS_SLOT);
        _setAmountSettings(settings);
        _gateWord(_sload(AMOUNT_SETTINGS_SLOT), old, AMOUNT_SETTINGS_FIELDS);
    }

    /// @inheritdoc IRebalanceEngineExt
    function setMaxStaleness(uint256 asset, uint256 maxStalenessSeconds) external onlyOwner {
        uint256 old = _sload(STALENESS_SLOT);
        _setMaxStaleness(asset, maxStalenessSeconds);
        _gateWord(_sload(STALENESS_SLOT), old, STALENESS_FIELDS);
    }

    /// @inheritdoc IRebalanceEngineExt
    function queueChange(bytes calldata data) external onlyOwner returns (bytes32 id, uint256 eta) {
        id = keccak256(data);
        eta = block.timestamp + CHANGE_DELAY_SECONDS;
        _engine().changeEta[id] = eta;
        emit ChangeQueued(id, data, eta);
    }

    /* ---------------------------------------------------------------- ONLY GUARDIAN */

    /// @inheritdoc IRebalanceEngineExt
    function pause() external onlyGuardianOrOwner {
        _engine().state.paused = true;
        emit PausedSet(true, msg.sender);
    }

    /// @inheritdoc IRebalanceEngineExt
    function cancelChange(bytes32 id) external onlyGuardianOrOwner {
        mapping(bytes32 => uint256) storage queue = _engine().changeEta;
        if (queue[id] == 0) revert IBallastErrors.NoChangeQueued(id);
        delete queue[id];
        emit ChangeCancelled(id);
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
    function changeEta(bytes32 id) external view returns (uint256) {
        return _engine().changeEta[id];
    }

    /// @inheritdoc IRebalanceEngineExt
    function changeDelaySeconds() external view returns (uint256) {
        return CHANGE_DELAY_SECONDS;
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

    /// @dev `_gate` for a write that turned the packed word `old` into `next`; `fields` describes it.
    /// The one call site of `_gate` and `_loosens`, so each is compiled once.
    function _gateWord(uint256 next, uint256 old, uint256 fields) internal {
        _gate(_loosens(next, old, fields));
    }

    /// @dev Called after a checked write, with whether it loosens what a rebalance may cost or when
    /// it may happen: then the call must have been queued (`queueChange`) at least
    /// CHANGE_DELAY_SECONDS ago and at most CHANGE_GRACE_SECONDS after that, and the queue entry is
    /// used up; otherwise it reverts (ChangeNotReady), undoing the write. A vault without a delay
    /// applies everything at once.
    function _gate(bool loosens) internal {
        if (!loosens || CHANGE_DELAY_SECONDS == 0) return;
        ChangeQueueLib.consume(_engine().changeEta);
    }

    /// @dev Whether the packed slot `next` loosens `current`, field by field. `fields` holds one 16-bit
    /// entry per field, lowest first: bits 0–7 the field's byte offset in the slot, 8–11 its width in
    /// bytes, 12–15 its rule (1: higher is looser; 2: lower is looser; 3: any change; 4: a band, 0 =
    /// off, where narrower is looser). One table-driven loop instead of a comparison per field: the
    /// extension has no bytes for the latter.
    function _loosens(uint256 next, uint256 current, uint256 fields) internal pure returns (bool) {
        for (; fields != 0; fields >>= 16) {
            uint256 shift = (fields & 0xff) * 8;
            // forge-lint: disable-next-line(incorrect-shift) -- 1 << width is intended: a mask of `width` bytes (the lint expects a literal on the right)
            uint256 mask = (1 << (((fields >> 8) & 0xf) * 8)) - 1;
            uint256 a = (next >> shift) & mask;
            uint256 b = (current >> shift) & mask;
            uint256 rule = (fields >> 12) & 0xf;
            if (
                rule == 1
                    ? a > b
                    : rule == 2
                        ? a < b
                        : rule == 3
                            ? a != b
                            : a != 0 && (b == 0 || a < b)
            ) return true;
        }
        return false;
    }

    /// @dev Storage slot `slot`'s raw word.
    function _sload(uint256 slot) internal view returns (uint256 w) {
        assembly ("memory-safe") {
            w := sload(slot)
        }
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
        // forge-lint: disable-next-line(unsafe-typecast) -- seconds_ <= MAX_STALENESS_SECONDS, checked above
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
