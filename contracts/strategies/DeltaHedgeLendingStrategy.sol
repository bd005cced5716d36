// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {Rounding} from "../core/EngineBase.sol";
import {LendingInit, LendingTerms} from "../interfaces/ILendingAdapter.sol";
import {Reason} from "../interfaces/IRebalanceEngine.sol";
import {BPS, WAD} from "../libraries/ConstantsLib.sol";
import {LeverageLib} from "../libraries/LeverageLib.sol";
import {DeltaHedgeStrategy} from "./DeltaHedgeStrategy.sol";
import {LendingLeg} from "./LendingLeg.sol";

/// @title DeltaHedgeLendingStrategy
/// @notice The delta-hedging strategy with a lending market: when the book needs negative underlying,
/// the vault supplies its quote asset as collateral, borrows the underlying and sells it; as the need
/// falls it buys the underlying back and repays. Shared by `DeltaHedgeLendingVault` and its extension.
/// @dev Valuation: quote supplied counts as quote held (`values[0]`, `balances[0]`), the underlying
/// owed is `debtWad` (rounded against holders), NAV = quote + underlying held − underlying owed, all
/// at oracle prices. Net underlying = held − owed (the hedge's signed position). Loan-to-value =
/// debt / quote: a short is sized to leave it at most 1 % under `maxLtvBps` and may not leave it above
/// (post-condition); it is
/// further capped by what the market lends now (its LTV less a margin on the collateral supplied
/// before the borrow, its borrow room, its supply room for the proceeds). A buy with debt outstanding
/// is paid with the quote held and what the market lets out before the repayment (at its liquidation
/// threshold less a margin); a larger one lands over several rebalances.
abstract contract DeltaHedgeLendingStrategy is DeltaHedgeStrategy, LendingLeg {
    using FixedPointMathLib for uint256;
    using SafeTransferLib for address;

    /// @dev Asset 1: what the vault borrows to go short.
    address internal immutable UNDERLYING;

    constructor(LendingInit memory lending) LendingLeg(lending) {
        UNDERLYING = _assetConfigs()[1].token;
    }

    /* ---------------------------------------------------------------- VALUATION */

    /// @dev Quote supplied joins the quote held; the underlying owed becomes `debtWad`, rounded the
    /// other way; NAV is what is left (zero when the debt exceeds everything).
    function _addLending(Valuation memory v, Rounding rounding) internal view virtual override {
        (uint256 supplied, uint256 owed) = _positionOf(QUOTE, UNDERLYING);
        uint256 unit = _unitOf(v, 1);
        uint256 suppliedWad =
            rounding == Rounding.Up ? supplied.mulDivUp(WAD, QUOTE_UNIT) : supplied.mulDiv(WAD, QUOTE_UNIT);
        uint256 debtWad =
            rounding == Rounding.Up ? owed.mulDiv(v.prices[1], unit) : owed.mulDivUp(v.prices[1], unit);
        v.balances[0] += supplied;
        v.values[0] += suppliedWad;
        v.debtWad = debtWad;
        v.nav = _sub0(v.nav + suppliedWad, debtWad);
    }

    /// @dev Held less owed (WAD). The owed part is read back from `debtWad` at the valuation's own
    /// price, rounded up: within a wei of the market's figure, and without a second market read.
    function _netUnderlyingWad(Valuation memory v) internal view virtual override returns (int256) {
        uint256 heldWad = v.balances[1].mulDiv(WAD, _unitOf(v, 1));
        uint256 owedWad = v.debtWad.mulDivUp(WAD, v.prices[1]); // valued: the price is not zero
        // forge-lint: disable-next-line(unsafe-typecast) -- both are token amounts in WAD (< 2^128 for any real token)
        return int256(heldWad) - int256(owedWad);
    }

    /// @dev A buy with debt outstanding is paid with the quote held plus what the market lets out
    /// before the repayment; without debt, with all the quote. The market is read only for such a
    /// buy: the hedge buys exactly when the net delta is below target (net underlying +
    /// `strategyWad`, book delta − target, is negative), and a sale's plan never reads the budget.
    function _quoteBudgetWad(Valuation memory v) internal view virtual override returns (uint256) {
        if (v.debtWad == 0 || _netUnderlyingWad(v) + v.strategyWad >= 0) return v.values[0];
        uint256 walletWad = QUOTE.balanceOf(address(this)).mulDiv(WAD, QUOTE_UNIT);
        LendingTerms memory q = _terms(QUOTE);
        if (!q.canUnwind) return walletWad;
        return
            walletWad +
            LeverageLib.withdrawable(
                _sub0(v.values[0], walletWad),
                v.debtWad,
                _sub0(q.liquidationThresholdBps, WITHDRAW_MARGIN_BPS)
            );
    }

    /* ---------------------------------------------------------------- STRATEGY HOOKS */

    /// @dev A sell beyond the underlying held borrows the rest, within `_borrowableWad`. A market that
    /// will not lend (or take the collateral) leaves the sell at what is held, and reports
    /// `LendingUnavailable` (detail: 1 the underlying cannot be borrowed, 0 the quote cannot be
    /// supplied) when that is nothing. A buy that must repay needs the underlying's reserve unpaused.
    function _limitChange(
        Valuation memory v,
        Hedge memory h,
        int256 change
    ) internal view virtual override returns (int256) {
        if (change > 0) {
            if (v.debtWad != 0 && !_terms(UNDERLYING).canUnwind) _unavailable(v, 1);
            return change;
        }
        // forge-lint: disable-next-line(unsafe-typecast) -- change <= 0 here
        uint256 sellWad = uint256(-change);
        uint256 heldWad = v.balances[1].mulDiv(WAD, _unitOf(v, 1));
        if (sellWad <= heldWad) return change;
        LendingTerms memory u = _terms(UNDERLYING);
        LendingTerms memory q = _terms(QUOTE);
        if (!u.canBorrow || !q.canSupply) {
            if (heldWad == 0) _unavailable(v, u.canBorrow ? 0 : 1);
            // forge-lint: disable-next-line(unsafe-typecast) -- a token amount in WAD fits int256
            return -int256(heldWad);
        }
        uint256 borrowWad = FixedPointMathLib.min(sellWad - heldWad, _borrowableWad(v, u, q, h.spotWad));
        // forge-lint: disable-next-line(unsafe-typecast) -- bounded by sellWad, which came from an int256
        return -int256(heldWad + borrowWad);
    }

    /// @dev The underlying (WAD) a short may borrow now: the least of the LTV cap's room (the
    /// proceeds, net of the pool's fee, join the collateral), what the market lends on the quote
    /// supplied before the borrow (its LTV less the margin), its borrow room, and (the proceeds are
    /// supplied) its supply room for the quote.
    function _borrowableWad(
        Valuation memory v,
        LendingTerms memory u,
        LendingTerms memory q,
        uint256 spotWad
    ) private view returns (uint256) {
        uint256 valueWad = FixedPointMathLib.min(
            _capRoomWad(v),
            _sub0(v.values[0].mulDiv(_sub0(q.ltvBps, WITHDRAW_MARGIN_BPS), BPS), v.debtWad)
        );
        valueWad = FixedPointMathLib.min(valueWad, u.borrowRoom.mulDiv(spotWad, _unitOf(v, 1)));
        if (q.supplyRoom != type(uint256).max) {
            valueWad = FixedPointMathLib.min(
                valueWad,
                _sub0(q.supplyRoom, QUOTE.balanceOf(address(this))).mulDiv(WAD, QUOTE_UNIT)
            );
        }
        return valueWad.mulDiv(WAD, spotWad);
    }

    /// @dev What the vault holds plus what its LTV cap lets it borrow and sell (market terms aside),
    /// at the valuation's price (never zero where this is asked: the hedge was valued).
    function _sellRoomWad(Valuation memory v, int256) internal view virtual override returns (uint256) {
        return (v.values[1] + _capRoomWad(v)).mulDiv(WAD, v.prices[1]);
    }

    /// @dev The post-condition's LTV bound (debt over the quote, wallet and supplied), then the event.
    function _afterRebalance(Valuation memory before, Valuation memory afterwards) internal virtual override {
        _checkLoanToValue(
            before.values[0],
            before.debtWad,
            afterwards.values[0],
            afterwards.debtWad,
            _dh().maxLtvBps
        );
        super._afterRebalance(before, afterwards);
    }

    /// @dev The value (quote WAD) a short may still borrow and sell under the LTV cap, the held
    /// underlying sold first; sized to the cap less the 1 % margin, so that the sale's price impact
    /// beyond the pool's fee tier (which the sizing assumes) cannot carry the post-condition over it.
    function _capRoomWad(Valuation memory v) private view returns (uint256) {
        return
            LeverageLib.borrowRoom(
                v.values[0] + v.values[1],
                v.debtWad,
                _sub0(_dh().maxLtvBps, WITHDRAW_MARGIN_BPS),
                _ceilDiv(v.cfg[1].poolFee, 100)
            );
    }

    function _unavailable(Valuation memory v, uint256 asset) private pure {
        v.strategyReason = Reason.LendingUnavailable;
        // forge-lint: disable-next-line(unsafe-typecast) -- 0 or 1
        v.strategyWad = int256(asset);
    }
}
