// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title InPlaceLib
/// @notice Reads an ABI-encoded array of static structs where it lies in memory: the vault's own SSTORE2
/// tables (the asset table, the venue table), written by its own code and never by anyone else, so they
/// need neither the copy nor the validation `abi.decode` would spend on them.
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
}
