// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {
    IPeripheryImmutableState,
    ISwapRouter02,
    ISwapRouterV1,
    IUniswapV3FactoryMinimal,
    IUniswapV3PoolMinimal
} from "../interfaces/external/IUniswapV3.sol";
import {IVenueAdapter, VenueQuote} from "../interfaces/IVenueAdapter.sol";

/// @title UniswapV3RouterAdapter
/// @notice Uniswap V3 pools through a router: SwapRouter (v1, whose structs carry a deadline) or
/// SwapRouter02 (no deadline; what Base and Sepolia have). One deployment per router.
contract UniswapV3RouterAdapter is IVenueAdapter {
    /// @dev The router every swap goes through.
    address public immutable ROUTER;
    /// @dev True for SwapRouter02.
    bool public immutable IS_ROUTER_02;

    constructor(address router, bool isRouter02) {
        ROUTER = router;
        IS_ROUTER_02 = isRouter02;
    }

    /// @inheritdoc IVenueAdapter
    function callTarget(address) external view returns (address) {
        return ROUTER;
    }

    /// @inheritdoc IVenueAdapter
    /// @dev The pool must be the router's factory's pool for the pair at its own fee tier (a contract
    /// merely claiming to be a pool is not).
    function checkPool(address pool, address tokenA, address tokenB) external view {
        address factory = IPeripheryImmutableState(ROUTER).factory();
        (address t0, address t1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        if (
            pool.code.length == 0 ||
            IUniswapV3FactoryMinimal(factory).getPool(t0, t1, IUniswapV3PoolMinimal(pool).fee()) != pool ||
            IUniswapV3PoolMinimal(pool).token0() != t0 ||
            IUniswapV3PoolMinimal(pool).token1() != t1
        ) revert NotAVenuePool(pool, tokenA, tokenB);
    }

    /// @inheritdoc IVenueAdapter
    /// @dev From `slot0` and the in-range liquidity L: virtual reserves L / √P (token0) and L · √P
    /// (token1). Exact for a full-range position; for concentrated liquidity it holds until the swap
    /// crosses a tick, so it overstates the depth of a leg that does.
    function quote(address pool, address tokenIn, address) external view returns (VenueQuote memory q) {
        (uint160 sqrtPriceX96, , , , , , ) = IUniswapV3PoolMinimal(pool).slot0();
        uint256 liquidity = IUniswapV3PoolMinimal(pool).liquidity();
        // token1 per token0, Q128.128; sqrtPriceX96 >= MIN_SQRT_RATIO (4295128739), so this is >= 1.
        uint256 p10 = FixedPointMathLib.fullMulDiv(sqrtPriceX96, sqrtPriceX96, 1 << 64);
        if (tokenIn == IUniswapV3PoolMinimal(pool).token0()) {
            q.priceX128 = p10;
            q.depthIn = FixedPointMathLib.fullMulDiv(liquidity, 1 << 96, sqrtPriceX96);
        } else {
            q.priceX128 = FixedPointMathLib.fullMulDiv(1 << 128, 1 << 128, p10);
            q.depthIn = FixedPointMathLib.fullMulDiv(liquidity, sqrtPriceX96, 1 << 96);
        }
        q.feePpm = IUniswapV3PoolMinimal(pool).fee();
    }

    /// @inheritdoc IVenueAdapter
    function swapCall(
        address pool,
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint256 minAmountOut,
        address recipient
    ) external view returns (address, uint256, bytes memory data) {
        uint24 fee = IUniswapV3PoolMinimal(pool).fee();
        data =
            IS_ROUTER_02
                ? abi.encodeCall(
                    ISwapRouter02.exactInputSingle,
                    (
                        ISwapRouter02.ExactInputSingleParams(
                            tokenIn,
                            tokenOut,
                            fee,
                            recipient,
                            amountIn,
                            minAmountOut,
                            0
                        )
                    )
                )
                : abi.encodeCall(
                    ISwapRouterV1.exactInputSingle,
                    (
                        ISwapRouterV1.ExactInputSingleParams(
                            tokenIn,
                            tokenOut,
                            fee,
                            recipient,
                            block.timestamp,
                            amountIn,
                            minAmountOut,
                            0
                        )
                    )
                );
        return (ROUTER, 0, data);
    }
}
