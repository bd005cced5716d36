// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILendingAdapter, ILendingLeg, LendingInit, LendingTerms} from "../interfaces/ILendingAdapter.sol";
import {LeverageLib} from "../libraries/LeverageLib.sol";

/// @title LendingLeg
/// @notice What every vault with a lending leg shares: the market it is fixed to, the one way it
/// calls it (calldata built by the adapter, sent only to the market's call target) and the LTV
/// post-condition. The leverage vault supplies the underlying and borrows the quote asset; the
/// delta-hedged vault with a lending market supplies the quote asset and borrows the underlying.
abstract contract LendingLeg {
    /// @dev The lending adapter (a view contract that builds the market's calls) and the market.
    address internal immutable LENDING_ADAPTER;
    address internal immutable LENDING_MARKET;
    /// @dev The only address a lending call may go to, and the spender the vault approves.
    address internal immutable LENDING_TARGET;

    /// @dev Margin kept under the market's liquidation threshold (and its LTV) when deciding how much
    /// collateral can come out or how much can be borrowed (the market's prices may differ slightly
    /// from the oracle's).
    uint256 internal constant WITHDRAW_MARGIN_BPS = 100;

    constructor(LendingInit memory lending) {
        LENDING_ADAPTER = lending.adapter;
        LENDING_MARKET = lending.market;
        LENDING_TARGET = ILendingAdapter(lending.adapter).callTarget(lending.market);
    }

    /// @dev What the vault has supplied of `collateral` and owes of `debt`, token units.
    function _positionOf(address collateral, address debt) internal view returns (uint256, uint256) {
        return ILendingAdapter(LENDING_ADAPTER).position(LENDING_MARKET, collateral, debt, address(this));
    }

    function _terms(address asset) internal view returns (LendingTerms memory) {
        return ILendingAdapter(LENDING_ADAPTER).terms(LENDING_MARKET, asset);
    }

    /// @dev Asks the adapter for the call `selector` names (one of its `supplyCall`, `withdrawCall`,
    /// `borrowCall`, `repayCall`, `flashLoanCall`, which share one signature) on `asset` and `amount`,
    /// and makes it if it goes to the market's call target with no value; a revert is passed on.
    function _lend(bytes4 selector, address asset, uint256 amount) internal {
        (bool ok, bytes memory ret) = LENDING_ADAPTER.staticcall(
            abi.encodeWithSelector(selector, LENDING_MARKET, asset, amount, address(this))
        );
        if (ok) {
            (address target, uint256 value, bytes memory data) = abi.decode(ret, (address, uint256, bytes));
            if (target != LENDING_TARGET || value != 0) revert ILendingLeg.LendingCallRefused(target, value);
            // solhint-disable-next-line avoid-low-level-calls
            (ok, ret) = target.call(data);
        }
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
    }

    /// @dev The post-condition's LTV bound: reverts with LoanToValueExceeded when debt after is above
    /// `capBps` of collateral after and the ratio rose (a trade that lowers it is always allowed).
    function _checkLoanToValue(
        uint256 collateralBeforeWad,
        uint256 debtBeforeWad,
        uint256 collateralAfterWad,
        uint256 debtAfterWad,
        uint256 capBps
    ) internal pure {
        uint256 ltvAfter = LeverageLib.loanToValueBps(collateralAfterWad, debtAfterWad);
        if (ltvAfter > capBps && ltvAfter > LeverageLib.loanToValueBps(collateralBeforeWad, debtBeforeWad))
            revert ILendingLeg.LoanToValueExceeded(ltvAfter, capBps);
    }
}
