// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Vm} from "forge-std/Vm.sol";
import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

/// @dev The parts of the real contracts the market drives (Uniswap V3 core, Chainlink's
/// MockV3Aggregator, the test token).
interface IFactory {
    function createPool(address tokenA, address tokenB, uint24 fee) external returns (address pool);
}

interface IPool {
    function initialize(uint160 sqrtPriceX96) external;
    function mint(
        address recipient,
        int24 tickLower,
        int24 tickUpper,
        uint128 amount,
        bytes calldata data
    ) external returns (uint256, uint256);
    function swap(
        address recipient,
        bool zeroForOne,
        int256 amountSpecified,
        uint160 sqrtPriceLimitX96,
        bytes calldata data
    ) external returns (int256, int256);
    function slot0() external view returns (uint160 sqrtPriceX96, int24, uint16, uint16, uint16, uint8, bool);
    function token0() external view returns (address);
    function token1() external view returns (address);
    function tickSpacing() external view returns (int24);
}

interface IFeed {
    function updateAnswer(int256 answer) external;
    function latestAnswer() external view returns (int256);
    function decimals() external view returns (uint8);
}

interface IMintable {
    function mint(address to, uint256 amount) external;
    function balanceOf(address who) external view returns (uint256);
    function transfer(address to, uint256 amount) external returns (bool);
    function decimals() external view returns (uint8);
}

/// @dev Deploys a contract from a Hardhat or npm build artifact (its `bytecode` field) with ABI-encoded
/// constructor arguments: the forge tests run the exact bytecode Hardhat compiled, and Uniswap's
/// published mainnet bytecode.
library Artifacts {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function deploy(string memory path, bytes memory args) internal returns (address addr) {
        bytes memory code = bytes.concat(VM.parseJsonBytes(VM.readFile(path), ".bytecode"), args);
        assembly ("memory-safe") {
            addr := create(0, add(code, 0x20), mload(code))
        }
        require(addr != address(0), string.concat("deploy failed: ", path));
    }
}

/// @title LocalMarket
/// @notice TEST ONLY. The local market inside forge: test tokens, Chainlink's MockV3Aggregator feeds
/// (8 decimals, USD), and Uniswap V3 pools of every asset against the quote asset on the real factory
/// and router bytecode from their npm artifacts, each with a deep full-range position. It is also the
/// arbitrageur: `setPrice` publishes a feed answer and swaps the pool back to it, minting what it pays.
contract LocalMarket {
    using FixedPointMathLib for uint256;

    string internal constant V3_CORE = "node_modules/@uniswap/v3-core/artifacts/contracts/";
    string internal constant V3_PERIPHERY = "node_modules/@uniswap/v3-periphery/artifacts/contracts/";
    uint160 internal constant MIN_SQRT_RATIO = 4295128739;
    uint160 internal constant MAX_SQRT_RATIO = 1461446703485210103287273853324142933053231541342;

    address public immutable factory;
    address public immutable router;
    /// @dev The vaults' VenueModule, over this factory's pools (their built-in venues).
    address public immutable venueModule;

    /// @dev Asset 0 is the quote asset.
    address[] public tokens;
    address[] public feeds;
    address[] public pools; // pools[0] is zero
    uint24[] public fees;

    constructor(address quote, address quoteFeed) {
        factory = Artifacts.deploy(string.concat(V3_CORE, "UniswapV3Factory.sol/UniswapV3Factory.json"), "");
        // WETH9 is only used by the router for ETH in and out, which the vaults never do.
        router = Artifacts.deploy(
            string.concat(V3_PERIPHERY, "SwapRouter.sol/SwapRouter.json"),
            abi.encode(factory, quote)
        );
        venueModule = Artifacts.deploy(
            "artifacts/contracts/core/VenueModule.sol/VenueModule.json",
            abi.encode(factory)
        );
        tokens.push(quote);
        feeds.push(quoteFeed);
        pools.push(address(0));
        fees.push(0);
    }

    function assetCount() external view returns (uint256) {
        return tokens.length;
    }

    /// @notice Adds an asset: its pool against the quote asset at the feeds' price, holding about
    /// `depthQuote` (quote units) on each side over the full range.
    function addAsset(
        address token,
        address feed,
        uint24 fee,
        uint256 depthQuote
    ) external returns (address pool) {
        pool = IFactory(factory).createPool(token, tokens[0], fee);
        tokens.push(token);
        feeds.push(feed);
        pools.push(pool);
        fees.push(fee);
        isPool[pool] = true;
        uint256 i = tokens.length - 1;
        uint160 sqrtP = oracleSqrtPriceX96(i);
        IPool(pool).initialize(sqrtP);
        int24 spacing = IPool(pool).tickSpacing();
        // forge-lint: disable-next-line(divide-before-multiply) -- rounds the maximum tick down to a multiple of the spacing, on purpose
        int24 top = (887272 / spacing) * spacing;
        // Full range: the quote side holds L / sqrtP (quote is token0) or L · sqrtP (token1).
        bool quoteIs0 = IPool(pool).token0() == tokens[0];
        uint256 liquidity = quoteIs0 ? depthQuote.mulDiv(sqrtP, 1 << 96) : depthQuote.mulDiv(1 << 96, sqrtP);
        // forge-lint: disable-next-line(unsafe-typecast) -- the full-range liquidity for the depths the suites use is far below 2^128
        IPool(pool).mint(address(this), -top, top, uint128(liquidity), "");
    }

    /// @notice Publishes `answer` on asset `i`'s feed, then arbitrages every pool back to the feeds.
    function setPrice(uint256 i, int256 answer) external {
        IFeed(feeds[i]).updateAnswer(answer);
        arbitrageAll();
    }

    /// @notice Republishes every feed's answer (a heartbeat): the feeds are fresh again.
    function heartbeat() external {
        for (uint256 i; i < feeds.length; ++i) IFeed(feeds[i]).updateAnswer(IFeed(feeds[i]).latestAnswer());
    }

    function arbitrageAll() public {
        for (uint256 i = 1; i < tokens.length; ++i) swapTo(i, oracleSqrtPriceX96(i));
    }

    /// @notice Swaps pool `i` until its price is `target` (what a searcher, or an attacker, does).
    function swapTo(uint256 i, uint160 target) public {
        IPool pool = IPool(pools[i]);
        (uint160 current, , , , , , ) = pool.slot0();
        if (current == target) return;
        bool zeroForOne = target < current;
        pool.swap(address(this), zeroForOne, type(int128).max, target, "");
    }

    /// @notice The pool price (token1 per token0, Q64.96 square root) at which pool `i` agrees with the feeds.
    function oracleSqrtPriceX96(uint256 i) public view returns (uint160) {
        uint256 pa = uint256(IFeed(feeds[i]).latestAnswer());
        uint256 pq = uint256(IFeed(feeds[0]).latestAnswer());
        uint256 da = 10 ** IMintable(tokens[i]).decimals();
        uint256 dq = 10 ** IMintable(tokens[0]).decimals();
        // price of token0 in token1 units: asset/quote = pa·dq / (pq·da) when the asset is token0.
        bool assetIs0 = IPool(pools[i]).token0() == tokens[i];
        uint256 ratioX192 =
            assetIs0
                ? FixedPointMathLib.fullMulDiv(pa * dq, 1 << 192, pq * da)
                : FixedPointMathLib.fullMulDiv(pq * da, 1 << 192, pa * dq);
        return uint160(FixedPointMathLib.sqrt(ratioX192));
    }

    function spotSqrtPriceX96(uint256 i) external view returns (uint160 sqrtP) {
        (sqrtP, , , , , , ) = IPool(pools[i]).slot0();
    }

    /* ------------------------------------------------------------ Uniswap callbacks: pay by minting */

    mapping(address pool => bool) public isPool;

    function uniswapV3MintCallback(uint256 owed0, uint256 owed1, bytes calldata) external {
        _pay(msg.sender, owed0, owed1);
    }

    function uniswapV3SwapCallback(int256 delta0, int256 delta1, bytes calldata) external {
        // forge-lint: disable-next-line(unsafe-typecast) -- each delta is checked positive first
        _pay(msg.sender, delta0 > 0 ? uint256(delta0) : 0, delta1 > 0 ? uint256(delta1) : 0);
    }

    function _pay(address pool, uint256 owed0, uint256 owed1) private {
        require(isPool[pool], "LocalMarket: not a pool");
        if (owed0 != 0) IMintable(IPool(pool).token0()).mint(pool, owed0);
        if (owed1 != 0) IMintable(IPool(pool).token1()).mint(pool, owed1);
    }
}
