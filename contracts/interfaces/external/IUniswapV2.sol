// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// The parts of Uniswap V2 that Ballast calls, after v2-core's IUniswapV2Pair / IUniswapV2Factory and
// v2-periphery's IUniswapV2Router02.

interface IUniswapV2PairMinimal {
    function getReserves()
        external
        view
        returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);
    function token0() external view returns (address);
    function token1() external view returns (address);
}

interface IUniswapV2FactoryMinimal {
    function getPair(address tokenA, address tokenB) external view returns (address);
}

interface IUniswapV2Router02Minimal {
    function factory() external view returns (address);

    function swapExactTokensForTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external returns (uint256[] memory amounts);
}
