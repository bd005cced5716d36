// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {BookGreeks, BookGreeksLib} from "../strategies/BookGreeksLib.sol";
import {BandConfig} from "../interfaces/IDeltaHedgeVault.sol";
import {HedgeBandLib} from "../strategies/HedgeBandLib.sol";

/// @title HedgeMathHarness
/// @notice Test-only: exposes BookGreeksLib and HedgeBandLib.
contract HedgeMathHarness {
    /// @notice BookGreeksLib reported a leg outside the Greeks' domain, or legs out of expiry order.
    error InvalidBook();

    /// @notice `BookGreeksLib.aggregate` with `unwindSeconds`, the expiry fade window (1: no fade).
    function aggregate(
        bytes calldata packed,
        uint256 spotWad,
        uint256 sigmaWad,
        int256 rateWad,
        uint256 nowSeconds,
        uint256 unwindSeconds
    ) external pure returns (BookGreeks memory g) {
        bool valid;
        (valid, g) = BookGreeksLib.aggregate(packed, spotWad, sigmaWad, rateWad, nowSeconds, unwindSeconds);
        if (!valid) revert InvalidBook();
    }

    function halfWidthWad(
        BandConfig calldata config,
        BookGreeks calldata greeks,
        uint256 spotWad
    ) external pure returns (uint256) {
        return HedgeBandLib.halfWidthWad(config, greeks, spotWad);
    }

    function whalleyWilmottWad(
        int256 gammaE36,
        uint256 spotWad,
        uint256 discountWad,
        uint256 costBps,
        uint256 riskAversionWad
    ) external pure returns (uint256) {
        return HedgeBandLib.whalleyWilmottWad(gammaE36, spotWad, discountWad, costBps, riskAversionWad);
    }
}
