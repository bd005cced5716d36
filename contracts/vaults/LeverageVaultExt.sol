// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {EngineExtension} from "../core/EngineExtension.sol";
import {Rounding} from "../core/EngineBase.sol";
import {IBallastErrors} from "../interfaces/IBallastErrors.sol";
import {ILendingAdapter, LendingTerms} from "../interfaces/ILendingAdapter.sol";
import {
    ILeverageVaultExt,
    LendingInit,
    LeverageConfig,
    LeverageStatus
} from "../interfaces/ILeverageVault.sol";
import {
    EngineInit,
    EngineParams,
    HEALTHY,
    IRebalanceEngineExt,
    Reason,
    VaultKind
} from "../interfaces/IRebalanceEngine.sol";
import {BPS, ConstantsLib, WAD} from "../libraries/ConstantsLib.sol";
import {LeverageLib} from "../libraries/LeverageLib.sol";
import {LeverageStorage, LeverageStrategy} from "../strategies/LeverageStrategy.sol";

/// @title LeverageVaultExt
/// @notice The cold half of a `LeverageVault`: the engine's admin and views, plus the leverage
/// settings, the lending market it is fixed to, the position's status and the ERC-4626 views. Reached
/// only through the vault's `fallback` (DELEGATECALL); deploy one per vault, before the vault.
contract LeverageVaultExt is ILeverageVaultExt, EngineExtension, LeverageStrategy {
    using FixedPointMathLib for uint256;
    using SafeTransferLib for address;

    /// @param init The vault's two assets (quote, then the underlying), venue module and sequencer feed.
    /// @param market The lending adapter and market, checked to list both assets.
    /// @param delaySeconds How long a loosening change waits (SPEC §3.5); 0 applies at once.
    constructor(
        EngineInit memory init,
        LendingInit memory market,
        uint256 delaySeconds
    ) EngineExtension(init, delaySeconds) LeverageStrategy(market) {
        if (init.assets.length != 2) revert IBallastErrors.InvalidAssetCount(init.assets.length);
        ILendingAdapter(market.adapter).checkMarket(market.market, QUOTE);
        ILendingAdapter(market.adapter).checkMarket(market.market, UNDERLYING);
    }

    /* ---------------------------------------------------------------- CONSTRUCTION */

    /// @inheritdoc ILeverageVaultExt
    function initialize(
        string calldata name_,
        string calldata symbol_,
        EngineParams calldata params,
        LeverageConfig calldata config
    ) external onlyInitializing {
        _initializeEngine(params);
        LeverageStorage storage $ = _lv();
        $.name = name_;
        $.symbol = symbol_;
        _setConfig(config);
        // The market takes the collateral it is given, the repayments and a flash loan's return.
        QUOTE.safeApprove(LENDING_TARGET, type(uint256).max);
        UNDERLYING.safeApprove(LENDING_TARGET, type(uint256).max);
    }

    /* ---------------------------------------------------------------- ONLY ADMIN */

    /// @inheritdoc ILeverageVaultExt
    /// @dev With a change delay, a loosening change must have been queued (`_gate`); a tightening one
    /// applies at once. Loosening: any change of the target or the ripcord bound (where every trade
    /// aims; when the emergency sale and its reward start), a narrower band (more rebalances: a
    /// higher `minWad` or a lower `maxWad`), a higher LTV cap, a higher ripcord reward or cap.
    function setLeverageConfig(LeverageConfig calldata config) external onlyOwner {
        LeverageConfig memory old = _lv().config;
        _setConfig(config);
        _gate(
            config.targetWad != old.targetWad ||
                config.ripcordWad != old.ripcordWad ||
                config.minWad > old.minWad ||
                config.maxWad < old.maxWad ||
                config.maxLtvBps > old.maxLtvBps ||
                config.ripcordRewardBps > old.ripcordRewardBps ||
                config.maxRipcordReward > old.maxRipcordReward
        );
    }

    /* ---------------------------------------------------------------- VIEWS */

    /// @inheritdoc IRebalanceEngineExt
    function vaultKind() external pure returns (VaultKind) {
        return VaultKind.Leverage;
    }

    /// @inheritdoc ILeverageVaultExt
    function leverageConfig() external view returns (LeverageConfig memory) {
        return _lv().config;
    }

    /// @inheritdoc ILeverageVaultExt
    function lending() external view returns (LendingInit memory) {
        return LendingInit(LENDING_ADAPTER, LENDING_MARKET);
    }

    /// @inheritdoc ILeverageVaultExt
    function leverageStatus() external view returns (LeverageStatus memory out) {
        out.reason = _status().reason;
        (Reason r, , Valuation memory v) = _valuation(Rounding.Down);
        if (r != HEALTHY) return out;
        uint256 netDebtWad = _netDebtWad(v);
        out.collateral = v.balances[1];
        out.debt = netDebtWad.mulDivUp(QUOTE_UNIT, WAD);
        out.navWad = v.nav;
        out.leverageWad = v.nav == 0 ? 0 : _leverageWad(v);
        out.loanToValueBps = LeverageLib.loanToValueBps(v.values[1], netDebtWad);
        out.healthFactorWad = LeverageLib.healthFactor(
            v.values[1],
            netDebtWad,
            _terms(UNDERLYING).liquidationThresholdBps
        );
        out.ripcordDue = _engine().state.active && _leverageWad(v) >= _lv().config.ripcordWad;
    }

    /// @inheritdoc ILeverageVaultExt
    function asset() external view returns (address) {
        return UNDERLYING;
    }

    /// @inheritdoc ILeverageVaultExt
    function totalAssets() external view returns (uint256) {
        (uint256 navWad, uint256 price, uint256 unit) = _lastKnown();
        return navWad.mulDiv(unit, price);
    }

    /// @inheritdoc ILeverageVaultExt
    function convertToShares(uint256 assets) external view returns (uint256) {
        (uint256 navWad, uint256 price, uint256 unit) = _lastKnown();
        uint256 quoteUnits = assets.mulDiv(price, unit).mulDiv(QUOTE_UNIT, WAD);
        return quoteUnits.mulDiv(_supply(), navWad.mulDivUp(QUOTE_UNIT, WAD) + 1);
    }

    /// @inheritdoc ILeverageVaultExt
    function convertToAssets(uint256 shares) external view returns (uint256) {
        (uint256 navWad, uint256 price, uint256 unit) = _lastKnown();
        uint256 quoteUnits = shares.mulDiv(navWad.mulDiv(QUOTE_UNIT, WAD) + 1, _supply());
        return quoteUnits.mulDiv(WAD * unit, QUOTE_UNIT * price);
    }

    /* ---------------------------------------------------------------- INTERNAL */

    /// @dev NAV (quote WAD), the underlying's price and unit at the feeds' last answers, whatever their age.
    function _lastKnown() private view returns (uint256 navWad, uint256 price, uint256 unit) {
        Valuation memory v;
        (Reason reason, uint256 bad) = _value(v, Rounding.Down, true);
        if (reason != HEALTHY) revert IBallastErrors.OracleUnhealthy(reason, bad);
        return (v.nav, v.prices[1], _unitOf(v, 1));
    }

    /// @dev The share supply plus the virtual shares, as the core counts it (ERC-20 supply is the
    /// core's: read it through the vault's own `totalSupply`).
    function _supply() private view returns (uint256) {
        uint8 quoteDecimals = _assetConfigs()[0].decimals;
        uint256 virtualShares = 10 ** (quoteDecimals < 18 ? 18 - quoteDecimals : 0);
        return IERC20Supply(address(this)).totalSupply() + virtualShares;
    }

    /// @dev Checks every bound, then writes. Leverages: 1× ≤ min ≤ target ≤ max < ripcord ≤ 20×, and
    /// the ripcord below the market's liquidation leverage 1 / (1 − liquidation threshold). The LTV
    /// cap: above the target's own LTV (1 − 1/target) and at most the market's LTV. The ripcord's
    /// reward: at most MAX_REWARD_BPS of the value sold.
    function _setConfig(LeverageConfig memory c) private {
        ConstantsLib.checkBound("minLeverageWad", c.minWad, WAD, c.targetWad);
        ConstantsLib.checkBound("targetLeverageWad", c.targetWad, c.minWad, c.maxWad);
        ConstantsLib.checkBound("maxLeverageWad", c.maxWad, c.targetWad, LeverageLib.MAX_LEVERAGE_WAD);
        LendingTerms memory u = _terms(UNDERLYING);
        // Liquidation leverage, rounded down; the ripcord must sit below it.
        uint256 liquidationWad =
            u.liquidationThresholdBps >= BPS
                ? LeverageLib.MAX_LEVERAGE_WAD
                : FixedPointMathLib.min(
                    (BPS * WAD) / (BPS - u.liquidationThresholdBps),
                    LeverageLib.MAX_LEVERAGE_WAD
                );
        ConstantsLib.checkBound(
            "ripcordLeverageWad",
            c.ripcordWad,
            uint256(c.maxWad) + 1,
            liquidationWad - 1
        );
        uint256 targetLtvBps = BPS - (BPS * WAD) / c.targetWad;
        ConstantsLib.checkBound("maxLtvBps", c.maxLtvBps, targetLtvBps, u.ltvBps);
        ConstantsLib.checkBound("ripcordRewardBps", c.ripcordRewardBps, 0, ConstantsLib.MAX_REWARD_BPS);
        _lv().config = c;
        emit LeverageConfigSet(c);
    }
}

interface IERC20Supply {
    function totalSupply() external view returns (uint256);
}
