// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {EngineBase, Rounding} from "../core/EngineBase.sol";
import {HedgeInit, HedgeLendingStatus, IDeltaHedgeLendingVaultExt} from "../interfaces/IDeltaHedgeVault.sol";
import {ILendingAdapter, LendingInit} from "../interfaces/ILendingAdapter.sol";
import {EngineInit, EngineParams} from "../interfaces/IRebalanceEngine.sol";
import {ConstantsLib, WAD} from "../libraries/ConstantsLib.sol";
import {LeverageLib} from "../libraries/LeverageLib.sol";
import {DeltaHedgeLendingStrategy} from "../strategies/DeltaHedgeLendingStrategy.sol";
import {DeltaHedgeStrategy} from "../strategies/DeltaHedgeStrategy.sol";
import {DeltaHedgeVaultExt} from "./DeltaHedgeVaultExt.sol";

/// @title DeltaHedgeLendingVaultExt
/// @notice The cold half of a `DeltaHedgeLendingVault`: everything `DeltaHedgeVaultExt` does, plus the
/// lending market's checks and approvals, the LTV cap and the position's view. Reached only through
/// the vault's `fallback` (DELEGATECALL); deploy one per vault, before the vault.
contract DeltaHedgeLendingVaultExt is
    IDeltaHedgeLendingVaultExt,
    DeltaHedgeVaultExt,
    DeltaHedgeLendingStrategy
{
    using FixedPointMathLib for uint256;
    using SafeTransferLib for address;

    /// @param init The vault's two assets (quote, underlying), router and sequencer feed.
    /// @param market The lending market; it must list both assets (checked through its adapter).
    constructor(
        EngineInit memory init,
        LendingInit memory market
    ) DeltaHedgeVaultExt(init) DeltaHedgeLendingStrategy(market) {
        ILendingAdapter(market.adapter).checkMarket(market.market, QUOTE);
        ILendingAdapter(market.adapter).checkMarket(market.market, UNDERLYING);
    }

    /// @inheritdoc IDeltaHedgeLendingVaultExt
    function initializeLending(
        EngineParams calldata params,
        HedgeInit calldata hedge,
        uint16 maxLtvBps_
    ) external onlyInitializing {
        _initializeHedge(params, hedge);
        _setMaxLtv(maxLtvBps_);
        // The market takes the collateral it is given and the repayments.
        QUOTE.safeApprove(LENDING_TARGET, type(uint256).max);
        UNDERLYING.safeApprove(LENDING_TARGET, type(uint256).max);
    }

    /// @inheritdoc IDeltaHedgeLendingVaultExt
    function setMaxLtv(uint16 maxLtvBps_) external onlyOwner {
        _setMaxLtv(maxLtvBps_);
    }

    /// @inheritdoc IDeltaHedgeLendingVaultExt
    function maxLtvBps() external view returns (uint256) {
        return _dh().maxLtvBps;
    }

    /// @inheritdoc IDeltaHedgeLendingVaultExt
    function lending() external view returns (LendingInit memory) {
        return LendingInit(LENDING_ADAPTER, LENDING_MARKET);
    }

    /// @inheritdoc IDeltaHedgeLendingVaultExt
    function lendingStatus() external view returns (HedgeLendingStatus memory out) {
        Valuation memory v = _valuationOrRevert(Rounding.Down);
        (out.collateral, out.debt) = _positionOf(QUOTE, UNDERLYING);
        out.loanToValueBps = LeverageLib.loanToValueBps(v.values[0], v.debtWad);
        out.maxLtvBps = _dh().maxLtvBps;
        out.healthFactorWad = LeverageLib.healthFactor(
            out.collateral.mulDiv(WAD, QUOTE_UNIT),
            v.debtWad,
            _terms(QUOTE).liquidationThresholdBps
        );
    }

    /* ---------------------------------------------------------------- INTERNAL */

    /// @dev 0 < cap ≤ the market's LTV for the quote asset (a short at the cap can still be opened).
    function _setMaxLtv(uint256 capBps) private {
        ConstantsLib.checkBound("maxLtvBps", capBps, 1, _terms(QUOTE).ltvBps);
        // forge-lint: disable-next-line(unsafe-typecast) -- checked: at most the market's LTV (< 2^16 bps)
        _dh().maxLtvBps = uint16(capBps);
        emit MaxLtvSet(capBps);
    }

    /* ---------------------------------------------------------------- OVERRIDES */

    function _addLending(
        Valuation memory v,
        Rounding rounding
    ) internal view override(EngineBase, DeltaHedgeStrategy, DeltaHedgeLendingStrategy) {
        DeltaHedgeLendingStrategy._addLending(v, rounding);
    }

    function _quoteBudgetWad(
        Valuation memory v
    ) internal view override(EngineBase, DeltaHedgeStrategy, DeltaHedgeLendingStrategy) returns (uint256) {
        return DeltaHedgeLendingStrategy._quoteBudgetWad(v);
    }

    function _netUnderlyingWad(
        Valuation memory v
    ) internal view override(DeltaHedgeStrategy, DeltaHedgeLendingStrategy) returns (int256) {
        return DeltaHedgeLendingStrategy._netUnderlyingWad(v);
    }

    function _limitChange(
        Valuation memory v,
        Hedge memory h,
        int256 change
    ) internal view override(DeltaHedgeStrategy, DeltaHedgeLendingStrategy) returns (int256) {
        return DeltaHedgeLendingStrategy._limitChange(v, h, change);
    }

    function _sellRoomWad(
        Valuation memory v,
        int256 net
    ) internal view override(DeltaHedgeStrategy, DeltaHedgeLendingStrategy) returns (uint256) {
        return DeltaHedgeLendingStrategy._sellRoomWad(v, net);
    }

    function _afterRebalance(
        Valuation memory before,
        Valuation memory afterwards
    ) internal override(EngineBase, DeltaHedgeStrategy, DeltaHedgeLendingStrategy) {
        DeltaHedgeLendingStrategy._afterRebalance(before, afterwards);
    }
}
