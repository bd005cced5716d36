// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {ISwapRouterV1, ISwapRouter02, IUniswapV3PoolMinimal} from "../interfaces/external/IUniswapV3.sol";
import {WAD} from "../libraries/ConstantsLib.sol";

/// @title UniswapV3Adapter
/// @notice Swap venue used by the engine: exact-input single-pool swaps on Uniswap V3's SwapRouter
/// (v1, structs with a deadline) or SwapRouter02 (no deadline), and the pool's spot price.
/// @dev Internal library functions, compiled into the vault's core: tokens go vault -> pool directly
/// through the router's callback, with no extra transfer hop, which keeps the engine's overhead low.
library UniswapV3Adapter {
    /// @dev Swaps exactly `amountIn` of `tokenIn` for at least `minAmountOut` of `tokenOut` through
    /// `router` (SwapRouter02 when `routerIs02`). The router reverts ("Too little received") below
    /// the minimum.
    function swapExactIn(
        address router,
        bool routerIs02,
        address tokenIn,
        address tokenOut,
        uint24 fee,
        uint256 amountIn,
        uint256 minAmountOut
    ) internal returns (uint256 amountOut) {
        if (routerIs02) {
            return
                ISwapRouter02(router).exactInputSingle(
                    ISwapRouter02.ExactInputSingleParams({
                        tokenIn: tokenIn,
                        tokenOut: tokenOut,
                        fee: fee,
                        recipient: address(this),
                        amountIn: amountIn,
                        amountOutMinimum: minAmountOut,
                        sqrtPriceLimitX96: 0
                    })
                );
        }
        return
            ISwapRouterV1(router).exactInputSingle(
                ISwapRouterV1.ExactInputSingleParams({
                    tokenIn: tokenIn,
                    tokenOut: tokenOut,
                    fee: fee,
                    recipient: address(this),
                    deadline: block.timestamp,
                    amountIn: amountIn,
                    amountOutMinimum: minAmountOut,
                    sqrtPriceLimitX96: 0
                })
            );
    }

    /// @dev Pool spot price of the asset in quote, WAD per whole token, from `slot0.sqrtPriceX96`.
    /// Rounds down. Spot is manipulable within a block; it is only compared against the oracle.
    function poolSpotPriceWad(
        address pool,
        bool assetIsToken0,
        uint256 assetUnit,
        uint256 quoteUnit
    ) internal view returns (uint256) {
        (uint160 sqrtPriceX96, , , , , , ) = IUniswapV3PoolMinimal(pool).slot0();
        // token1 per token0 in raw units, Q128.128. sqrtPriceX96 >= MIN_SQRT_RATIO, so this is >= 1.
        uint256 priceX128 = FixedPointMathLib.fullMulDiv(sqrtPriceX96, sqrtPriceX96, 1 << 64);
        if (assetIsToken0) {
            return FixedPointMathLib.fullMulDiv(priceX128, WAD * assetUnit, quoteUnit << 128);
        }
        return FixedPointMathLib.fullMulDiv(WAD * assetUnit, 1 << 128, priceX128) / quoteUnit;
    }
}
