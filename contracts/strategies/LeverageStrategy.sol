// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {EngineBase, Rounding} from "../core/EngineBase.sol";
import {ILendingAdapter, ILendingLeg, LendingInit, LendingTerms} from "../interfaces/ILendingAdapter.sol";
import {ILeverageVaultCore, LeverageConfig} from "../interfaces/ILeverageVault.sol";
import {EngineSettings, EngineState, Leg, Mode, Policy, Reason} from "../interfaces/IRebalanceEngine.sol";
import {BPS, WAD} from "../libraries/ConstantsLib.sol";
import {LeverageLib} from "../libraries/LeverageLib.sol";
import {LendingLeg} from "./LendingLeg.sol";

/// @notice A leverage vault's storage (ERC-7201 namespace `ballast.storage.Leverage`).
/// @custom:storage-location erc7201:ballast.storage.Leverage
struct LeverageStorage {
    LeverageConfig config; // two slots: the four leverages, then the LTV cap and the ripcord's reward
    string name;
    string symbol;
}

/// @title LeverageStrategy
/// @notice The leverage strategy both halves of a leverage vault share: its storage, the lending
/// market it is fixed to, the signed valuation (collateral supplied counts as held, debt as a
/// negative holding) and the engine's hooks that keep leverage in its band.
/// @dev Asset 0 is the quote asset (borrowed), asset 1 the underlying (supplied as collateral).
/// Collateral C = underlying held + supplied, at the oracle price; net debt D = quote owed − quote
/// held (floored at zero); equity E = NAV = C − D; leverage L = C / E. Deviation = |L − target|
/// (WAD); out of band when L < min or L > max. Every input is the oracle price and the market's own
/// record of the vault's position, which the caller cannot move within the call.
abstract contract LeverageStrategy is EngineBase, LendingLeg {
    using FixedPointMathLib for uint256;
    using SafeTransferLib for address;

    /// @dev keccak256(abi.encode(uint256(keccak256("ballast.storage.Leverage")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LEVERAGE_STORAGE_SLOT =
        0x881472117ce6c683f69246441928929cae760b57a58ab764e6ea7e56dc10bd00;

    /// @dev Asset 1: what the vault supplies and its shares are redeemed in.
    address internal immutable UNDERLYING;

    constructor(LendingInit memory lending) LendingLeg(lending) {
        UNDERLYING = _assetConfigs()[1].token;
    }

    /* ---------------------------------------------------------------- VALUATION */

    /// @dev Collateral supplied joins the underlying held; the quote owed becomes `debtWad`, rounded
    /// the other way; NAV is what is left (zero when the debt exceeds everything).
    function _addLending(Valuation memory v, Rounding rounding) internal view override {
        (uint256 supplied, uint256 owed) = _position();
        uint256 unit = _unitOf(v, 1);
        uint256 suppliedWad =
            rounding == Rounding.Up
                ? supplied.mulDivUp(v.prices[1], unit)
                : supplied.mulDiv(v.prices[1], unit);
        uint256 debtWad =
            rounding == Rounding.Up ? owed.mulDiv(WAD, QUOTE_UNIT) : owed.mulDivUp(WAD, QUOTE_UNIT);
        v.balances[1] += supplied;
        v.values[1] += suppliedWad;
        v.debtWad = debtWad;
        v.nav = _sub0(v.nav + suppliedWad, debtWad);
    }

    /// @dev The buys of a lever are paid with quote the vault borrows in the same call, sized and
    /// capped by `_targetDeltas` itself (borrow room, supply room, the LTV cap): no clip here (2^128
    /// quote WAD is beyond any real position, and leaves the planner's products inside 256 bits).
    function _quoteBudgetWad(Valuation memory) internal pure override returns (uint256) {
        return type(uint128).max;
    }

    /// @dev What the vault has supplied of the underlying and owes of the quote asset, token units.
    function _position() internal view returns (uint256 supplied, uint256 owed) {
        return _positionOf(UNDERLYING, QUOTE);
    }

    /// @dev Net debt (quote WAD): what is owed less the quote held.
    function _netDebtWad(Valuation memory v) internal pure returns (uint256) {
        return _sub0(v.debtWad, v.values[0]);
    }

    /// @dev L = C / E (WAD, rounded up); type(uint256).max without equity but with collateral, 0 empty.
    function _leverageWad(Valuation memory v) internal pure returns (uint256) {
        if (v.nav == 0) return v.values[1] == 0 ? 0 : type(uint256).max;
        return v.values[1].mulDivUp(WAD, v.nav);
    }

    /// @dev The pool's fee tier in bps, rounded up: the trade cost the lever and delever sizes assume.
    function _costBps(Valuation memory v) internal pure returns (uint256) {
        return _ceilDiv(v.cfg[1].poolFee, 100);
    }

    /* ---------------------------------------------------------------- STRATEGY HOOKS */

    /// @dev Lever (buy the underlying with borrowed quote) or delever (sell it to repay) toward the
    /// target, or to `(1 − hysteresis)` of the band from it in band-edge mode. A lever is capped so
    /// that debt stays within `maxLtvBps` of collateral, and by the market's borrow and supply room;
    /// a market that will not take the trade (paused, frozen, borrowing off) is reported as
    /// `LendingUnavailable` and nothing trades.
    function _targetDeltas(
        Valuation memory v,
        EngineSettings memory s
    ) internal view override returns (int256[] memory deltas, uint256 deviationWad, bool outOfBand) {
        deltas = new int256[](2);
        LeverageConfig memory c = _lv().config;
        uint256 lev = _leverageWad(v);
        deviationWad = lev.dist(c.targetWad);
        outOfBand = lev < c.minWad || lev > c.maxWad;
        if (!outOfBand && s.policy == Policy.Threshold) return (deltas, deviationWad, false);
        if (s.mode == Mode.ToBandEdge && !outOfBand) return (deltas, deviationWad, false);
        uint256 aim = _aim(lev, c, s);
        uint256 costBps = _costBps(v);
        uint256 collateralWad = v.values[1];
        uint256 netDebtWad = _netDebtWad(v);
        if (lev < aim) {
            uint256 borrowWad = LeverageLib.leverUp(collateralWad, netDebtWad, aim, costBps);
            borrowWad = FixedPointMathLib.min(
                borrowWad,
                LeverageLib.borrowRoom(collateralWad, netDebtWad, c.maxLtvBps, costBps)
            );
            LendingTerms memory q = _terms(QUOTE);
            LendingTerms memory u = _terms(UNDERLYING);
            if (!q.canBorrow) return _unavailable(v, deltas, deviationWad, outOfBand, 0);
            if (!u.canSupply) return _unavailable(v, deltas, deviationWad, outOfBand, 1);
            // What the market lends now (room; LTV less the margin on the collateral held before the
            // buy), the keeper's reward included: far below the target a lever lands part of the way.
            uint256 lendable = FixedPointMathLib.min(
                q.borrowRoom.mulDiv(WAD, QUOTE_UNIT),
                _sub0(collateralWad.mulDiv(_sub0(u.ltvBps, WITHDRAW_MARGIN_BPS), BPS), v.debtWad)
            );
            borrowWad = FixedPointMathLib.min(borrowWad, lendable.mulDiv(BPS, BPS + s.rewardBps));
            if (u.supplyRoom != type(uint256).max) {
                borrowWad = FixedPointMathLib.min(borrowWad, u.supplyRoom.mulDiv(v.prices[1], _unitOf(v, 1)));
            }
            // The engine grosses a buy up by its pool's fee: ask for what `borrowWad` buys net of it.
            // forge-lint: disable-next-line(unsafe-typecast) -- borrowWad <= NAV-scale values far below 2^255
            deltas[1] = int256(borrowWad.mulDiv(FEE_UNIT - v.cfg[1].poolFee, FEE_UNIT));
        } else if (lev > aim) {
            LendingTerms memory u = _terms(UNDERLYING);
            if (!u.canUnwind) return _unavailable(v, deltas, deviationWad, outOfBand, 1);
            if (!_terms(QUOTE).canUnwind) return _unavailable(v, deltas, deviationWad, outOfBand, 0);
            // A rebalance withdraws before it sells: at most what the market lets out before any
            // repayment (the ripcord repays first and is not capped so).
            uint256 sellWad = FixedPointMathLib.min(
                LeverageLib.leverDown(collateralWad, netDebtWad, aim, costBps),
                _withdrawableWad(v, u)
            );
            // forge-lint: disable-next-line(unsafe-typecast) -- at most the collateral's value, far below 2^255
            deltas[1] = -int256(sellWad);
        }
    }

    /// @dev Where a rebalance aims: the target, or in band-edge mode `hysteresis` of the way from
    /// the crossed edge to the target.
    function _aim(
        uint256 lev,
        LeverageConfig memory c,
        EngineSettings memory s
    ) private pure returns (uint256) {
        if (s.mode != Mode.ToBandEdge) return c.targetWad;
        uint256 edge = lev > c.targetWad ? c.maxWad : c.minWad;
        uint256 inward = edge.dist(c.targetWad).mulDiv(s.bandHysteresisBps, BPS);
        return lev > c.targetWad ? edge - inward : edge + inward;
    }

    function _unavailable(
        Valuation memory v,
        int256[] memory deltas,
        uint256 deviationWad,
        bool outOfBand,
        uint256 asset
    ) private pure returns (int256[] memory, uint256, bool) {
        v.strategyReason = Reason.LendingUnavailable;
        // forge-lint: disable-next-line(unsafe-typecast) -- 0 or 1
        v.strategyWad = int256(asset);
        return (deltas, deviationWad, outOfBand);
    }

    function _deviation(Valuation memory v) internal view override returns (uint256) {
        return _leverageWad(v).dist(_lv().config.targetWad);
    }

    /// @dev The post-condition's LTV bound: a rebalance may not leave debt above `maxLtvBps` of
    /// collateral unless it lowered the ratio. Then the event.
    function _afterRebalance(Valuation memory before, Valuation memory afterwards) internal override {
        _checkLoanToValue(before, afterwards);
        emit ILeverageVaultCore.Releveraged(
            _leverageWad(before),
            _leverageWad(afterwards),
            afterwards.balances[1],
            _netDebtWad(afterwards).mulDivUp(QUOTE_UNIT, WAD)
        );
    }

    /// @dev Reverts with LoanToValueExceeded when `afterwards` is above the cap and above `before`.
    /// The ratio before is computed only when the one after is over the cap (fewer live values in
    /// `rebalance()`, which coverage's instrumented build needs to stay within the stack).
    function _checkLoanToValue(Valuation memory before, Valuation memory afterwards) internal view {
        uint256 ltvAfter = LeverageLib.loanToValueBps(afterwards.values[1], _netDebtWad(afterwards));
        uint256 cap = _lv().config.maxLtvBps;
        if (ltvAfter > cap && ltvAfter > LeverageLib.loanToValueBps(before.values[1], _netDebtWad(before)))
            revert ILendingLeg.LoanToValueExceeded(ltvAfter, cap);
    }

    /* ---------------------------------------------------------------- MARKET */

    /// @dev Collateral value (quote WAD) the market lets out before any repayment, with the margin.
    function _withdrawableWad(Valuation memory v, LendingTerms memory u) internal pure returns (uint256) {
        return
            LeverageLib.withdrawable(
                v.values[1],
                v.debtWad,
                _sub0(u.liquidationThresholdBps, WITHDRAW_MARGIN_BPS)
            );
    }

    /// @dev Withdraws what a sale of `amount` needs beyond the underlying already held.
    function _withdrawForSale(uint256 amount) internal {
        uint256 held = UNDERLYING.balanceOf(address(this));
        if (amount > held) _lend(ILendingAdapter.withdrawCall.selector, UNDERLYING, amount - held);
    }

    /// @dev Supplies every unit of the underlying the vault holds.
    function _supplyIdle() internal {
        uint256 held = UNDERLYING.balanceOf(address(this));
        if (held != 0) _lend(ILendingAdapter.supplyCall.selector, UNDERLYING, held);
    }

    /// @dev Repays with the quote held beyond `reserve` (kept for a reward).
    function _repayHeldBut(uint256 reserve) internal {
        uint256 held = QUOTE.balanceOf(address(this));
        if (held > reserve) _lend(ILendingAdapter.repayCall.selector, QUOTE, held - reserve);
    }

    /// @dev Runs one leg through the venue module; returns what it brought.
    function _swap(
        Leg memory leg,
        uint256[] memory prices,
        uint256 maxDeviationBps
    ) internal returns (uint256) {
        Leg[] memory legs = new Leg[](1);
        legs[0] = leg;
        (, uint256[] memory outs) = _executeLegs(legs, prices, maxDeviationBps);
        return outs[0];
    }

    /// @dev Deposits are open: the vault is active and not paused.
    function _depositsOpen() internal view returns (bool) {
        EngineState storage state = _engine().state;
        return state.active && !state.paused;
    }

    function _lv() internal pure returns (LeverageStorage storage $) {
        assembly ("memory-safe") {
            $.slot := LEVERAGE_STORAGE_SLOT
        }
    }
}
