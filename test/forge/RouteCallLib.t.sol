// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";

import {IVenueModule} from "../../contracts/interfaces/IVenueModule.sol";
import {Leg} from "../../contracts/interfaces/Types.sol";
import {RouteCallLib} from "../../contracts/libraries/RouteCallLib.sol";

/// @notice The engine's hand-written `route` calldata against `abi.encodeCall`, with no legs, one
/// leg and seven (an eight-asset vault's most), and what it allocates against what follows it.
contract RouteCallLibTest is Test {
    /// @notice Any number of legs an eight-asset vault can have (0 to 7), every field fuzzed.
    function testFuzz_matchesAbiEncoding(
        bool execute,
        address vault,
        uint256 version,
        address table,
        uint256 dev,
        uint256 seed,
        uint256 n
    ) public pure {
        n = bound(n, 0, 7);
        _check(execute, vault, version, table, _legs(n, seed), _prices(n + 1, seed), dev);
    }

    /// @notice No legs, one and seven, each with fixed inputs, so they run whatever the fuzzer picks.
    function test_zeroOneAndSevenLegs() public pure {
        uint256[3] memory counts = [uint256(0), 1, 7];
        for (uint256 k; k < counts.length; ++k) {
            uint256 n = counts[k];
            _check(k % 2 == 0, address(0xBA11), 7 + k, address(0x7AB1E), _legs(n, k), _prices(n + 1, k), 50);
        }
    }

    /// @notice The empty case in full: selector, seven head words, two empty arrays.
    function test_emptyArraysLayout() public pure {
        bytes memory got = RouteCallLib.encode(
            false,
            address(0),
            0,
            address(0),
            new Leg[](0),
            new uint256[](0),
            0
        );
        assertEq(got.length, 4 + 9 * 32);
        // forge-lint: disable-next-line(unsafe-typecast) -- the truncation reads the selector, the first four bytes
        assertEq(bytes4(got), IVenueModule.route.selector);
    }

    function _check(
        bool execute,
        address vault,
        uint256 version,
        address table,
        Leg[] memory legs,
        uint256[] memory prices,
        uint256 dev
    ) private pure {
        bytes memory expected = abi.encodeCall(
            IVenueModule.route,
            (execute, vault, version, table, legs, prices, dev)
        );
        bytes memory got = RouteCallLib.encode(execute, vault, version, table, legs, prices, dev);
        assertEq(got, expected);
        // The free-memory pointer moved past it: the next allocation does not overlap it.
        bytes memory next = new bytes(1);
        next[0] = 0xff;
        assertEq(got, expected);
        assertGe(_at(next), _at(got) + 0x20 + got.length);
    }

    /// @dev `n` legs whose every field comes from `seed`, the narrow ones at their full range.
    function _legs(uint256 n, uint256 seed) private pure returns (Leg[] memory legs) {
        legs = new Leg[](n);
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            legs[i] = Leg({
                // forge-lint: disable-next-line(unsafe-typecast) -- truncation is the point: any uint8
                asset: uint8(r),
                isSell: r & 0x100 != 0,
                amountIn: r >> 1,
                minAmountOut: ~r,
                valueWad: r / 3
            });
        }
    }

    function _prices(uint256 n, uint256 seed) private pure returns (uint256[] memory p) {
        p = new uint256[](n);
        for (uint256 i; i < n; ++i) p[i] = uint256(keccak256(abi.encode(seed, i, "price")));
    }

    function _at(bytes memory b) private pure returns (uint256 p) {
        assembly ("memory-safe") {
            p := b
        }
    }
}
