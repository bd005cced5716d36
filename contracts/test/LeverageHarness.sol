// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {LeverageLib} from "../libraries/LeverageLib.sol";

/// @dev Test-only: exposes LeverageLib to the differential tests.
contract LeverageHarness {
    function leverage(uint256 c, uint256 d) external pure returns (uint256) {
        return LeverageLib.leverage(c, d);
    }

    function loanToValueBps(uint256 c, uint256 d) external pure returns (uint256) {
        return LeverageLib.loanToValueBps(c, d);
    }

    function healthFactor(uint256 c, uint256 d, uint256 thresholdBps) external pure returns (uint256) {
        return LeverageLib.healthFactor(c, d, thresholdBps);
    }

    function leverUp(uint256 c, uint256 d, uint256 target, uint256 costBps) external pure returns (uint256) {
        return LeverageLib.leverUp(c, d, target, costBps);
    }

    function leverDown(
        uint256 c,
        uint256 d,
        uint256 target,
        uint256 costBps
    ) external pure returns (uint256) {
        return LeverageLib.leverDown(c, d, target, costBps);
    }

    function borrowRoom(
        uint256 c,
        uint256 d,
        uint256 maxLtvBps,
        uint256 costBps
    ) external pure returns (uint256) {
        return LeverageLib.borrowRoom(c, d, maxLtvBps, costBps);
    }

    function withdrawable(uint256 c, uint256 d, uint256 maxLtvBps) external pure returns (uint256) {
        return LeverageLib.withdrawable(c, d, maxLtvBps);
    }
}
