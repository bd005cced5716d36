// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";
import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {IUniswapV3PoolSwap, UniswapV3PoolLib} from "../../contracts/adapters/UniswapV3PoolLib.sol";

/// @notice The pool library's hand-written pieces against what they replace: the swap calldata
/// against `abi.encodeCall`, and ⌊2^256 / d⌋ against Solady's 512-bit `fullMulDiv`.
contract UniswapV3PoolLibTest is Test {
    /// @dev External so the fuzzer's reverting inputs can be caught as reverts.
    function twoTo256Div(uint256 d) external pure returns (uint256) {
        return UniswapV3PoolLib.twoTo256Div(d);
    }

    function fullMulDiv(uint256 d) external pure returns (uint256) {
        return FixedPointMathLib.fullMulDiv(1 << 128, 1 << 128, d);
    }

    /// @notice The swap's calldata is byte for byte what `abi.encodeCall` makes, either direction.
    function testFuzz_swapDataIsTheAbiEncoding(
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        address to
    ) public pure {
        amountIn = bound(amountIn, 0, uint256(type(int256).max));
        bool zeroForOne = tokenIn < tokenOut;
        bytes memory expected = abi.encodeCall(
            IUniswapV3PoolSwap.swap,
            (
                to,
                zeroForOne,
                // forge-lint: disable-next-line(unsafe-typecast) -- bounded to int256's range above
                int256(amountIn),
                zeroForOne
                    ? UniswapV3PoolLib.MIN_SQRT_RATIO_PLUS_ONE
                    : UniswapV3PoolLib.MAX_SQRT_RATIO_MINUS_ONE,
                ""
            )
        );
        bytes memory got = UniswapV3PoolLib.swapData(tokenIn, tokenOut, amountIn, to);
        assertEq(got, expected);
        // What is allocated after it is not written over it.
        bytes memory next = new bytes(1);
        assertEq(got, expected);
        assertGt(_at(next), _at(got) + 0x20 + got.length - 1);
    }

    /// @notice ⌊2^256 / d⌋ equals fullMulDiv(2^128, 2^128, d) everywhere, powers of two included;
    /// both refuse d < 2.
    function testFuzz_twoTo256DivIsFullMulDiv(uint256 d) public view {
        d = bound(d, 2, type(uint256).max);
        assertEq(this.twoTo256Div(d), this.fullMulDiv(d));
        // Powers of two: where ⌊(2^256 − 1) / d⌋ is one short. And their neighbours.
        uint256 pow = 2 ** bound(d, 1, 255);
        assertEq(this.twoTo256Div(pow), this.fullMulDiv(pow));
        assertEq(this.twoTo256Div(pow + 1), this.fullMulDiv(pow + 1));
        if (pow > 2) assertEq(this.twoTo256Div(pow - 1), this.fullMulDiv(pow - 1));
    }

    function test_twoTo256DivRefusesZeroAndOne() public {
        vm.expectRevert(FixedPointMathLib.FullMulDivFailed.selector);
        this.twoTo256Div(0);
        vm.expectRevert(FixedPointMathLib.FullMulDivFailed.selector);
        this.twoTo256Div(1);
        vm.expectRevert(FixedPointMathLib.FullMulDivFailed.selector);
        this.fullMulDiv(1);
    }

    function _at(bytes memory b) private pure returns (uint256 p) {
        assembly ("memory-safe") {
            p := b
        }
    }
}
