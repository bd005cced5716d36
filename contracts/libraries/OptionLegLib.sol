// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OptionLeg} from "../interfaces/IOptionBook.sol";

/// @title OptionLegLib
/// @notice The packed leg format books publish and vaults read: two 32-byte words per leg.
/// @dev Word 0: strikeWad (high 128 bits) | sizeWad (low 128 bits).
///      Word 1: lnStrikeE36 (int128, high 128 bits) | expiry (bits 64..127) | flags (low 64 bits:
///      bit 0 = call, bit 1 = long).
library OptionLegLib {
    /// @dev Bytes per packed leg.
    uint256 internal constant LEG_BYTES = 64;
    /// @dev The most legs a book may hold and a vault will read (bounds the valuation's gas).
    uint256 internal constant MAX_LEGS = 64;

    uint256 private constant CALL_FLAG = 1;
    uint256 private constant LONG_FLAG = 2;

    function pack(OptionLeg memory leg) internal pure returns (uint256 word0, uint256 word1) {
        word0 = (uint256(leg.strikeWad) << 128) | leg.sizeWad;
        uint256 flags = (leg.isCall ? CALL_FLAG : 0) | (leg.isLong ? LONG_FLAG : 0);
        word1 = (uint256(uint128(leg.lnStrikeE36)) << 128) | (uint256(leg.expiry) << 64) | flags;
    }

    function unpack(uint256 word0, uint256 word1) internal pure returns (OptionLeg memory leg) {
        // forge-lint: disable-next-line(unsafe-typecast) -- unpacks the 128-bit strike field of the packed word: truncation is the decoding
        leg.strikeWad = uint128(word0 >> 128);
        // forge-lint: disable-next-line(unsafe-typecast) -- unpacks the 128-bit size field of the packed word: truncation is the decoding
        leg.sizeWad = uint128(word0);
        // forge-lint: disable-next-line(unsafe-typecast) -- unpacks the signed 128-bit ln(strike) field of the packed word: truncation is the decoding
        leg.lnStrikeE36 = int128(uint128(word1 >> 128));
        leg.expiry = uint40(expiryOf(word1));
        leg.isCall = word1 & CALL_FLAG != 0;
        leg.isLong = word1 & LONG_FLAG != 0;
    }

    /// @notice Packs legs into the published format.
    function encode(OptionLeg[] memory legs) internal pure returns (bytes memory packed) {
        packed = new bytes(legs.length * LEG_BYTES);
        for (uint256 i; i < legs.length; ++i) {
            (uint256 w0, uint256 w1) = pack(legs[i]);
            assembly ("memory-safe") {
                let p := add(add(packed, 0x20), mul(i, LEG_BYTES))
                mstore(p, w0)
                mstore(add(p, 0x20), w1)
            }
        }
    }

    /// @notice Decodes every leg (off-chain convenience and book maintenance; vaults read words).
    function decode(bytes memory packed) internal pure returns (OptionLeg[] memory legs) {
        uint256 n = packed.length / LEG_BYTES;
        legs = new OptionLeg[](n);
        for (uint256 i; i < n; ++i) {
            (uint256 w0, uint256 w1) = words(packed, i);
            legs[i] = unpack(w0, w1);
        }
    }

    /// @notice The expiry field (40 bits, unix seconds) of a leg's word 1.
    function expiryOf(uint256 word1) internal pure returns (uint256) {
        return (word1 >> 64) & type(uint40).max;
    }

    /// @notice The two raw words of leg `i`; the caller checks `i < packed.length / LEG_BYTES`.
    function words(bytes memory packed, uint256 i) internal pure returns (uint256 word0, uint256 word1) {
        assembly ("memory-safe") {
            let p := add(add(packed, 0x20), mul(i, LEG_BYTES))
            word0 := mload(p)
            word1 := mload(add(p, 0x20))
        }
    }
}
