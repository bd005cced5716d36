// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {IUniswapV3FactoryMinimal, IUniswapV3PoolMinimal} from "../interfaces/external/IUniswapV3.sol";
import {VenueQuote} from "../interfaces/IVenueAdapter.sol";

/// @title UniswapV3PoolLib
/// @notice How Ballast reads and calls a Uniswap V3 pool: which pools it accepts (the factory's own,
/// at their fee tier), a pool's price and depth, and the call of an exact-input swap on the pool
/// itself. Shared by the router adapter and the venue module's built-in direct-pool venues.
library UniswapV3PoolLib {
    /// @dev TickMath's bounds, one inside: an exact-input swap with no price limit.
    uint160 internal constant MIN_SQRT_RATIO_PLUS_ONE = 4295128740;
    uint160 internal constant MAX_SQRT_RATIO_MINUS_ONE = 1461446703485210103287273052203988822378723970341;

    /// @dev Whether `pool` is `factory`'s pool for the pair at its own fee tier (a contract merely
    /// claiming to be a pool is not).
    function isPool(
        address factory,
        address pool,
        address tokenA,
        address tokenB
    ) internal view returns (bool) {
        (address t0, address t1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        // Anything may sit at `pool`: ask its fee tier without trusting it to answer.
        (bool ok, bytes memory ret) = pool.staticcall(abi.encodeCall(IUniswapV3PoolMinimal.fee, ()));
        if (!ok || ret.length != 32) return false;
        uint256 fee = abi.decode(ret, (uint256));
        if (fee > type(uint24).max) return false;
        return
            // forge-lint: disable-next-line(unsafe-typecast) -- fee fits 24 bits, checked above
            IUniswapV3FactoryMinimal(factory).getPool(t0, t1, uint24(fee)) == pool &&
            IUniswapV3PoolMinimal(pool).token0() == t0 &&
            IUniswapV3PoolMinimal(pool).token1() == t1;
    }

    /// @dev Price of `tokenIn` in `tokenOut` (raw units, Q128.128) from `slot0`, and the pool's
    /// sqrtPriceX96. The pool's token0 is the lower address (Uniswap sorts them), so the direction
    /// needs no call. Only `slot0`'s first word is read (a swap's leg pays for this read): the call
    /// must succeed (its revert is passed on as it came) and return at least that word, a clean uint160,
    /// as decoding the whole tuple would require of it; the six words after it are not validated.
    function spot(
        address pool,
        address tokenIn,
        address tokenOut
    ) internal view returns (uint256 priceX128, uint160 sqrtPriceX96) {
        bytes4 selector = IUniswapV3PoolMinimal.slot0.selector;
        assembly ("memory-safe") {
            mstore(0x00, selector)
            if iszero(staticcall(gas(), pool, 0x00, 0x04, 0x00, 0x20)) {
                let m := mload(0x40)
                returndatacopy(m, 0, returndatasize())
                revert(m, returndatasize())
            }
            sqrtPriceX96 := mload(0x00)
            if or(lt(returndatasize(), 0x20), shr(160, sqrtPriceX96)) {
                revert(0, 0)
            }
        }
        // token1 per token0, Q128.128; sqrtPriceX96 >= MIN_SQRT_RATIO (4295128739), so this is >= 1.
        uint256 p10 = FixedPointMathLib.fullMulDiv(sqrtPriceX96, sqrtPriceX96, 1 << 64);
        priceX128 = tokenIn < tokenOut ? p10 : twoTo256Div(p10);
    }

    /// @dev ⌊2^256 / d⌋ for d ≥ 2, exactly (what `fullMulDiv(2^128, 2^128, d)` returns) without the
    /// 512-bit division: ⌊(2^256 − 1) / d⌋ is one short exactly when d divides 2^256, and then
    /// (q + 1) · d wraps to zero. d = 1 (a price of 2^-128, below any pool's) would overflow; it reverts.
    function twoTo256Div(uint256 d) internal pure returns (uint256 q) {
        if (d < 2) revert FixedPointMathLib.FullMulDivFailed();
        assembly ("memory-safe") {
            q := div(not(0), d)
            q := add(q, iszero(mul(add(q, 1), d)))
        }
    }

    /// @dev From `slot0` and the in-range liquidity L: virtual reserves L / √P (token0) and L · √P
    /// (token1). Exact for a full-range position; for concentrated liquidity it holds until the swap
    /// crosses a tick, so it overstates the depth of a leg that does.
    function quote(
        address pool,
        address tokenIn,
        address tokenOut
    ) internal view returns (VenueQuote memory q) {
        uint160 sqrtPriceX96;
        (q.priceX128, sqrtPriceX96) = spot(pool, tokenIn, tokenOut);
        uint256 liquidity = IUniswapV3PoolMinimal(pool).liquidity();
        q.depthIn =
            tokenIn < tokenOut
                ? FixedPointMathLib.fullMulDiv(liquidity, 1 << 96, sqrtPriceX96)
                : FixedPointMathLib.fullMulDiv(liquidity, sqrtPriceX96, 1 << 96);
        q.feePpm = IUniswapV3PoolMinimal(pool).fee();
    }

    /// @dev The pool's `swap` of exactly `amountIn` of `tokenIn`, output to `recipient`, no price
    /// limit: the caller pays in `uniswapV3SwapCallback` and bounds the output itself. The calldata
    /// `abi.encodeCall(IUniswapV3PoolSwap.swap, (recipient, zeroForOne, int256(amountIn), limit, ""))`
    /// makes, written in place (every swap of a leg builds one): the selector, five head words (the
    /// empty `data`'s offset last, 0xa0), then its length, zero. Token amounts are far below 2^255,
    /// so `amountIn` is the positive int256 as it is.
    function swapData(
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        address recipient
    ) internal pure returns (bytes memory data) {
        bool zeroForOne = tokenIn < tokenOut;
        uint256 limit = zeroForOne ? MIN_SQRT_RATIO_PLUS_ONE : MAX_SQRT_RATIO_MINUS_ONE;
        bytes4 selector = IUniswapV3PoolSwap.swap.selector;
        assembly ("memory-safe") {
            data := mload(0x40)
            mstore(data, 0xc4) // 4 + 6 words
            mstore(add(data, 0x20), selector)
            mstore(add(data, 0x24), recipient)
            mstore(add(data, 0x44), zeroForOne)
            mstore(add(data, 0x64), amountIn)
            mstore(add(data, 0x84), limit)
            mstore(add(data, 0xa4), 0xa0)
            mstore(add(data, 0xc4), 0)
            mstore(0x40, add(data, 0x100)) // 0xe4 rounded up to a word
        }
    }
}

/// @dev Uniswap V3's pool `swap`, as v3-core's IUniswapV3PoolActions declares it.
interface IUniswapV3PoolSwap {
    function swap(
        address recipient,
        bool zeroForOne,
        int256 amountSpecified,
        uint160 sqrtPriceLimitX96,
        bytes calldata data
    ) external returns (int256 amount0, int256 amount1);
}
