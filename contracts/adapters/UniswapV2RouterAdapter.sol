// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {
    IUniswapV2FactoryMinimal,
    IUniswapV2PairMinimal,
    IUniswapV2Router02Minimal
} from "../interfaces/external/IUniswapV2.sol";
import {IVenueAdapter, VenueQuote} from "../interfaces/IVenueAdapter.sol";

/// @title UniswapV2RouterAdapter
/// @notice Uniswap V2 pairs (and forks with the same 0.3 % fee and router) through Router02.
contract UniswapV2RouterAdapter is IVenueAdapter {
    /// @dev Uniswap V2's fee: 0.3 % of the input.
    uint256 internal constant FEE_PPM = 3000;

    /// @dev The Router02 every swap goes through.
    address public immutable ROUTER;

    constructor(address router) {
        ROUTER = router;
    }

    /// @inheritdoc IVenueAdapter
    function callTarget(address) external view returns (address) {
        return ROUTER;
    }

    /// @inheritdoc IVenueAdapter
    /// @dev The router routes a two-token path through its factory's pair, so the pool must be it.
    function checkPool(address pool, address tokenA, address tokenB) external view {
        address factory = IUniswapV2Router02Minimal(ROUTER).factory();
        if (pool == address(0) || IUniswapV2FactoryMinimal(factory).getPair(tokenA, tokenB) != pool)
            revert NotAVenuePool(pool, tokenA, tokenB);
    }

    /// @inheritdoc IVenueAdapter
    function spot(address pool, address tokenIn, address tokenOut) external view returns (uint256 priceX128) {
        return quote(pool, tokenIn, tokenOut).priceX128;
    }

    /// @inheritdoc IVenueAdapter
    /// @dev The reserves are the constant-product depth.
    function quote(address pool, address tokenIn, address) public view returns (VenueQuote memory q) {
        (uint256 r0, uint256 r1, ) = IUniswapV2PairMinimal(pool).getReserves();
        (uint256 rIn, uint256 rOut) = tokenIn == IUniswapV2PairMinimal(pool).token0() ? (r0, r1) : (r1, r0);
        if (rIn != 0) q.priceX128 = (rOut << 128) / rIn; // reserves are below 2^112
        q.depthIn = rIn;
        q.feePpm = FEE_PPM;
    }

    /// @inheritdoc IVenueAdapter
    function swapCall(
        address,
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint256 minAmountOut,
        address recipient
    ) external view returns (address, uint256, bytes memory data) {
        address[] memory path = new address[](2);
        path[0] = tokenIn;
        path[1] = tokenOut;
        data = abi.encodeCall(
            IUniswapV2Router02Minimal.swapExactTokensForTokens,
            (amountIn, minAmountOut, path, recipient, block.timestamp)
        );
        return (ROUTER, 0, data);
    }
}
