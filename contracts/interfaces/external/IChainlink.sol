// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @dev `decimals()` of a Chainlink aggregator (price, σ and sequencer feeds all have it); the vaults
/// read prices through ChainlinkOracleLib's raw `latestRoundData()` call.
interface IAggregatorDecimals {
    function decimals() external view returns (uint8);
}
