// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {
    IPeripheryImmutableState,
    ISwapRouter02,
    ISwapRouterV1,
    IUniswapV3PoolMinimal
} from "../interfaces/external/IUniswapV3.sol";
import {IVenueAdapter, VenueQuote} from "../interfaces/IVenueAdapter.sol";
import {UniswapV3PoolLib} from "./UniswapV3PoolLib.sol";

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
    /// @dev The pool must be the router's factory's pool for the pair at its own fee tier: the router
    /// routes exactInputSingle through its factory's pools only.
    function checkPool(address pool, address tokenA, address tokenB) external view {
        if (!UniswapV3PoolLib.isPool(IPeripheryImmutableState(ROUTER).factory(), pool, tokenA, tokenB))
            revert NotAVenuePool(pool, tokenA, tokenB);
    }

    /// @inheritdoc IVenueAdapter
    function spot(address pool, address tokenIn, address tokenOut) external view returns (uint256 priceX128) {
        (priceX128, ) = UniswapV3PoolLib.spot(pool, tokenIn, tokenOut);
    }

    /// @inheritdoc IVenueAdapter
    function quote(
        address pool,
        address tokenIn,
        address tokenOut
    ) external view returns (VenueQuote memory) {
        return UniswapV3PoolLib.quote(pool, tokenIn, tokenOut);
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
