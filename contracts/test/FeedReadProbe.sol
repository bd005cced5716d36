// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ChainlinkOracleLib} from "../oracles/ChainlinkOracleLib.sol";
import {HEALTHY, Reason} from "../interfaces/IRebalanceEngine.sol";

/// @title FeedReadProbe
/// @notice Test and bench only: the gas of one price read as a vault makes it (`ChainlinkOracleLib.priceWad`,
/// the feed's account and slots cold), per feed, so the benchmark can set a local mock beside a
/// mainnet-style proxy and its aggregator.
contract FeedReadProbe {
    /// @notice A feed was unhealthy: the figure would not be a vault's read.
    error FeedUnhealthy(address feed, Reason reason);

    /// @notice Gas of `priceWad(feeds[i], 8, any age)` for each feed, in order, each feed touched for the
    /// first time in the call (pass distinct feeds; call with `eth_call` so every account starts cold).
    function readGas(address[] calldata feeds) external view returns (uint256[] memory gasUsed) {
        gasUsed = new uint256[](feeds.length);
        for (uint256 i; i < feeds.length; ++i) {
            uint256 before = gasleft();
            (Reason reason, ) = ChainlinkOracleLib.priceWad(feeds[i], 8, type(uint256).max);
            gasUsed[i] = before - gasleft();
            if (reason != HEALTHY) revert FeedUnhealthy(feeds[i], reason);
        }
    }
}
