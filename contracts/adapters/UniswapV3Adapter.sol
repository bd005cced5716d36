// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {ISwapRouterV1, ISwapRouter02, IUniswapV3PoolMinimal} from "../interfaces/external/IUniswapV3.sol";
import {ConstantsLib} from "../libraries/ConstantsLib.sol";

/// @title UniswapV3Adapter
/// @notice Swap venue mixed into the engine: exact-input single-pool swaps on Uniswap V3's SwapRouter
/// (v1, structs with a deadline) or SwapRouter02 (no deadline), and the pool's spot price.
/// @dev A mixin rather than a separate contract: tokens go vault -> pool directly through the router's
/// callback, with no extra transfer hop, which is what keeps the engine's overhead low.
abstract contract UniswapV3Adapter {
    /// @notice The Uniswap V3 router every swap goes through.
    address public immutable ROUTER;
    /// @notice True for SwapRouter02 (no `deadline` field), false for SwapRouter (v1).
    bool public immutable ROUTER_IS_02;

    constructor(address router, bool routerIs02) {
        ROUTER = router;
        ROUTER_IS_02 = routerIs02;
    }

    /// @dev Swaps exactly `amountIn` of `tokenIn` for at least `minAmountOut` of `tokenOut`.
    /// The router reverts ("Too little received") below the minimum.
    function _swapExactIn(
        address tokenIn,
        address tokenOut,
        uint24 fee,
        uint256 amountIn,
        uint256 minAmountOut
    ) internal returns (uint256 amountOut) {
        if (ROUTER_IS_02) {
            return
                ISwapRouter02(ROUTER).exactInputSingle(
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
            ISwapRouterV1(ROUTER).exactInputSingle(
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
    function _poolSpotPriceWad(
        address pool,
        bool assetIsToken0,
        uint256 assetUnit,
        uint256 quoteUnit
    ) internal view returns (uint256) {
        (uint160 sqrtPriceX96, , , , , , ) = IUniswapV3PoolMinimal(pool).slot0();
        // token1 per token0 in raw units, Q128.128. sqrtPriceX96 >= MIN_SQRT_RATIO, so this is >= 1.
        uint256 priceX128 = FixedPointMathLib.fullMulDiv(sqrtPriceX96, sqrtPriceX96, 1 << 64);
        if (assetIsToken0) {
            return FixedPointMathLib.fullMulDiv(priceX128, ConstantsLib.WAD * assetUnit, quoteUnit << 128);
        }
        return FixedPointMathLib.fullMulDiv(ConstantsLib.WAD * assetUnit, 1 << 128, priceX128) / quoteUnit;
    }
}
