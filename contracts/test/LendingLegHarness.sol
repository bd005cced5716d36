// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILendingAdapter, LendingInit} from "../interfaces/ILendingAdapter.sol";
import {LendingLeg} from "../strategies/LendingLeg.sol";

/// @title LendingTargetStub
/// @notice Test-only stand-in for a lending market's call target: records what it was called with,
/// and refuses a zero amount (so a market's revert can be seen passed on).
contract LendingTargetStub {
    /// @notice The market refused the call.
    error MarketRefused();

    /// @notice The last amount supplied.
    uint256 public supplied;

    /// @notice Records `amount`; reverts with MarketRefused on zero.
    function supply(uint256 amount) external {
        if (amount == 0) revert MarketRefused();
        supplied = amount;
    }
}

/// @title HostileLendingAdapter
/// @notice Test-only stand-in for a faulty or malicious lending adapter (no real one exists to test
/// against): it names `TARGET` as the market's call target, then builds whatever call its mode says.
contract HostileLendingAdapter {
    /// @notice How the next call is built.
    enum Mode {
        Honest, // to TARGET, no value
        OtherTarget, // to THIEF
        SendsValue, // asks the vault to send 1 wei
        Reverts // the adapter itself refuses
    }

    /// @notice The adapter refused to build the call.
    error AdapterRefused();

    /// @notice The call target it reports for every market.
    address public immutable TARGET;
    /// @notice Where OtherTarget sends the call.
    address public immutable THIEF;
    /// @notice The current mode.
    Mode public mode;

    /// @param target the call target it reports
    /// @param thief where OtherTarget sends the call
    constructor(address target, address thief) {
        TARGET = target;
        THIEF = thief;
    }

    /// @notice Sets how the next call is built.
    function setMode(Mode m) external {
        mode = m;
    }

    /// @notice The call target of every market.
    function callTarget(address) external view returns (address) {
        return TARGET;
    }

    /// @notice A supply of `amount`, built as the mode says.
    function supplyCall(
        address,
        address,
        uint256 amount,
        address
    ) external view returns (address target, uint256 value, bytes memory data) {
        Mode m = mode;
        if (m == Mode.Reverts) revert AdapterRefused();
        data = abi.encodeCall(LendingTargetStub.supply, (amount));
        target = m == Mode.OtherTarget ? THIEF : TARGET;
        value = m == Mode.SendsValue ? 1 : 0;
    }
}

/// @title LendingLegHarness
/// @notice Test-only: LendingLeg's market call and LTV post-condition, reachable from a test.
contract LendingLegHarness is LendingLeg {
    /// @param lending the adapter and market
    constructor(LendingInit memory lending) LendingLeg(lending) {}

    /// @notice `_lend` of a supply of `amount`.
    function lend(uint256 amount) external {
        _lend(ILendingAdapter.supplyCall.selector, address(0), amount);
    }

    /// @notice `_checkLoanToValue` as the vaults call it.
    function checkLoanToValue(
        uint256 collateralBeforeWad,
        uint256 debtBeforeWad,
        uint256 collateralAfterWad,
        uint256 debtAfterWad,
        uint256 capBps
    ) external pure {
        _checkLoanToValue(collateralBeforeWad, debtBeforeWad, collateralAfterWad, debtAfterWad, capBps);
    }
}
