// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {VenueQuote} from "../interfaces/IVenueAdapter.sol";
import {VenueSplitLib} from "../libraries/VenueSplitLib.sol";

/// @title VenueSplitHarness
/// @notice Test-only: exposes VenueSplitLib.
contract VenueSplitHarness {
    function split(
        VenueQuote[] calldata quotes,
        uint256 oracleX128,
        uint256 maxDeviationBps,
        uint256 amountIn,
        uint256 minGainOut
    ) external pure returns (uint256[] memory amounts, uint256 used) {
        return VenueSplitLib.split(quotes, oracleX128, maxDeviationBps, amountIn, minGainOut);
    }
}
