// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ConstantsLib} from "./ConstantsLib.sol";

/// @title InPlaceLib
/// @notice Reads an ABI-encoded array of static structs where it lies in memory: the vault's own SSTORE2
/// tables (the asset table, the venue table), written by its own code and never by anyone else, so they
/// need neither the copy nor the validation `abi.decode` would spend on them. And element access
/// without the bounds check, for the hot path's per-asset loops.
/// @dev The accessors (`at`, `put`, `atInt`, `putInt`) do not check `i < length`: each use
/// is in a loop bounded by that array's length, or by the asset count every per-asset array of a
/// valuation is allocated with. An out-of-range index would read or write past the array silently,
/// so they are for those loops only; anything else indexes the Solidity way.
library InPlaceLib {
    /// @notice A memory array of the `n` structs of `stride` bytes that start at `base`: the word layout
    /// of `T[] memory` for a static struct `T` (a length, then one pointer per element). The caller
    /// casts it to its array type; the structs are the encoded ones, not copies.
    function structArray(uint256 base, uint256 n, uint256 stride) internal pure returns (uint256 array) {
        assembly ("memory-safe") {
            array := mload(0x40)
            mstore(array, n)
            for {
                let k := 0
            } lt(k, n) {
                k := add(k, 1)
            } {
                mstore(add(array, shl(5, add(k, 1))), add(base, mul(k, stride)))
            }
            mstore(0x40, add(array, shl(5, add(n, 1))))
        }
    }

    /// @notice The token and unit (10 ** decimals) of the `AssetConfig` at memory address `c`: its
    /// first two words. One reader for both views of the asset table: the decoded `AssetConfig[]`
    /// (the engine) and the encoded table's bytes (the venue module). The table's construction
    /// bounds the decimals at 18.
    function tokenAndUnit(uint256 c) internal pure returns (address token, uint256 unit) {
        uint256 decimals;
        assembly ("memory-safe") {
            token := mload(c)
            decimals := mload(add(c, 0x20))
        }
        unit = ConstantsLib.unit(decimals);
    }

    /// @notice `a[i]`, unchecked: the caller keeps `i < a.length`.
    function at(uint256[] memory a, uint256 i) internal pure returns (uint256 x) {
        assembly ("memory-safe") {
            x := mload(add(a, shl(5, add(i, 1))))
        }
    }

    /// @notice `a[i] = x`, unchecked: the caller keeps `i < a.length`.
    function put(uint256[] memory a, uint256 i, uint256 x) internal pure {
        assembly ("memory-safe") {
            mstore(add(a, shl(5, add(i, 1))), x)
        }
    }

    /// @notice `a[i]`, unchecked: the caller keeps `i < a.length`.
    function atInt(int256[] memory a, uint256 i) internal pure returns (int256 x) {
        assembly ("memory-safe") {
            x := mload(add(a, shl(5, add(i, 1))))
        }
    }

    /// @notice `a[i] = x`, unchecked: the caller keeps `i < a.length`.
    function putInt(int256[] memory a, uint256 i, int256 x) internal pure {
        assembly ("memory-safe") {
            mstore(add(a, shl(5, add(i, 1))), x)
        }
    }
}
