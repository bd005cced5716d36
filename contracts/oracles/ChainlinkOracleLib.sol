// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {HEALTHY, Reason} from "../interfaces/IRebalanceEngine.sol";
import {ConstantsLib} from "../libraries/ConstantsLib.sol";

/// @title ChainlinkOracleLib
/// @notice Reads Chainlink `AggregatorV3Interface` feeds without ever reverting, so the trigger
/// predicate can report a broken feed as a reason code instead of failing the whole view.
/// @dev Units: answers are normalised from the feed's decimals to WAD (1e18). A feed is healthy when
/// the call succeeds with a full return, `answer > 0`, and `block.timestamp - updatedAt <= maxStaleness`.
/// L2 sequencer uptime feeds answer 0 (up) or 1 (down); `startedAt` is when the status last changed.
library ChainlinkOracleLib {
    /// @dev `latestRoundData()` selector.
    bytes4 private constant LATEST_ROUND_DATA = 0xfeaf968c;

    /// @dev Raw staticcall of `latestRoundData()`. `ok` is false when the call reverts or returns fewer
    /// than the five words the interface promises (a non-feed address, a self-destructed aggregator).
    function latestRound(
        address feed
    ) internal view returns (bool ok, int256 answer, uint256 startedAt, uint256 updatedAt) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(0x00, LATEST_ROUND_DATA)
            // Yul evaluates arguments right to left: the call runs before returndatasize() is read.
            ok := and(gt(returndatasize(), 0x9f), staticcall(gas(), feed, 0x00, 0x04, m, 0xa0))
            answer := mload(add(m, 0x20))
            startedAt := mload(add(m, 0x40))
            updatedAt := mload(add(m, 0x60))
        }
    }

    /// @dev Largest price (WAD) taken as an answer: 1e36, a trillion trillion numeraire units per token.
    /// Above it the valuation's products could overflow, so such an answer is invalid, not a panic.
    uint256 internal constant MAX_PRICE_WAD = 1e36;

    /// @notice A healthy feed's answer in WAD with `HEALTHY`, or the reason it cannot be used (price 0 then).
    /// @param feedDecimals The feed's `decimals()`, at most 18 (checked at configuration).
    function priceWad(
        address feed,
        uint8 feedDecimals,
        uint256 maxStalenessSeconds
    ) internal view returns (Reason reason, uint256 price) {
        (bool ok, int256 answer, , uint256 updatedAt) = latestRound(feed);
        uint256 scale = ConstantsLib.unit(18 - feedDecimals);
        // forge-lint: disable-next-line(unsafe-typecast) -- answer > 0 is checked first, so it fits uint256
        if (!ok || answer <= 0 || uint256(answer) > MAX_PRICE_WAD / scale)
            return (Reason.OracleInvalidAnswer, 0);
        // A round stamped in the future is as untrustworthy as an old one.
        // forge-lint: disable-next-line(block-timestamp) -- staleness is a time rule by definition; a builder's seconds of drift move it by those seconds
        if (updatedAt > block.timestamp || block.timestamp - updatedAt > maxStalenessSeconds) {
            return (Reason.OracleStale, 0);
        }
        // At most MAX_PRICE_WAD: checked above.
        // forge-lint: disable-next-line(unsafe-typecast) -- answer > 0 and below MAX_PRICE_WAD / scale, checked above
        return (HEALTHY, uint256(answer) * scale);
    }

    /// @notice `HEALTHY` when the sequencer is up and past its grace period, else the reason it is not.
    /// @dev `startedAt == 0` means the feed has no valid round yet (seen on Arbitrum): treated as down.
    function sequencerReason(
        address sequencerFeed,
        uint256 gracePeriodSeconds
    ) internal view returns (Reason) {
        (bool ok, int256 answer, uint256 startedAt, ) = latestRound(sequencerFeed);
        if (!ok || answer != 0 || startedAt == 0) return Reason.SequencerDown;
        // forge-lint: disable-next-line(block-timestamp) -- the sequencer's grace period is a time rule by definition
        if (block.timestamp - startedAt <= gracePeriodSeconds) return Reason.SequencerGracePeriod;
        return HEALTHY;
    }
}
