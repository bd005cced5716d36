// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Leg} from "../interfaces/Types.sol";
import {IVenueModule} from "../interfaces/IVenueModule.sol";

/// @title RouteCallLib
/// @notice The engine's call into its venue module, `IVenueModule.route`, encoded without the ABI
/// encoder's per-field helpers. The forge test `RouteCallLib.t.sol` holds it byte for byte to
/// `abi.encodeCall`.
library RouteCallLib {
    /// @notice `abi.encodeCall(IVenueModule.route, (execute, vault, version, assetTable, legs, prices,
    /// maxDeviationBps))`, written in place.
    /// @dev A `Leg` in memory is its five words in ABI order, each a clean value (the engine writes
    /// them; Solidity cleans what it stores), and `prices` is contiguous, so each copies as it lies
    /// (MCOPY): the selector, seven head words (the two arrays' offsets among them), then each
    /// array's length and elements. The free-memory pointer ends past the data, word-aligned.
    function encode(
        bool execute,
        address vault,
        uint256 version,
        address assetTable,
        Leg[] memory legs,
        uint256[] memory prices,
        uint256 maxDeviationBps
    ) internal pure returns (bytes memory data) {
        bytes4 selector = IVenueModule.route.selector;
        assembly ("memory-safe") {
            let nLegs := mload(legs)
            let nPrices := mload(prices)
            data := mload(0x40)
            mstore(add(data, 0x20), selector)
            let head := add(data, 0x24)
            mstore(head, execute)
            mstore(add(head, 0x20), vault)
            mstore(add(head, 0x40), version)
            mstore(add(head, 0x60), assetTable)
            mstore(add(head, 0x80), 0xe0) // legs: right after the seven head words
            mstore(add(head, 0xa0), add(0x100, mul(nLegs, 0xa0))) // prices: after the legs
            mstore(add(head, 0xc0), maxDeviationBps)
            let q := add(head, 0xe0)
            mstore(q, nLegs)
            q := add(q, 0x20)
            for {
                let i := 0
            } lt(i, nLegs) {
                i := add(i, 1)
            } {
                mcopy(q, mload(add(legs, shl(5, add(i, 1)))), 0xa0)
                q := add(q, 0xa0)
            }
            mstore(q, nPrices)
            mcopy(add(q, 0x20), add(prices, 0x20), shl(5, nPrices))
            q := add(q, shl(5, add(nPrices, 1)))
            mstore(data, sub(q, add(data, 0x20)))
            mstore(0x40, and(add(q, 0x1f), not(0x1f)))
        }
    }
}
