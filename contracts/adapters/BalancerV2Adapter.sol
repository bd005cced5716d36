// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {IBalancerVaultMinimal, IBalancerWeightedPoolMinimal} from "../interfaces/external/IBalancerV2.sol";
import {IVenueAdapter, VenueQuote} from "../interfaces/IVenueAdapter.sol";

/// @title BalancerV2Adapter
/// @notice Balancer V2 weighted pools, swapped through the Balancer Vault (`swap`, GIVEN_IN).
contract BalancerV2Adapter is IVenueAdapter {
    using FixedPointMathLib for uint256;

    /// @dev The Balancer Vault: every pool's tokens, and the spender.
    address public immutable VAULT;

    constructor(address vault) {
        VAULT = vault;
    }

    /// @inheritdoc IVenueAdapter
    function callTarget(address) external view returns (address) {
        return VAULT;
    }

    /// @inheritdoc IVenueAdapter
    /// @dev The pool must be registered with this Vault and hold both tokens.
    function checkPool(address pool, address tokenA, address tokenB) external view {
        if (pool.code.length == 0 || IBalancerWeightedPoolMinimal(pool).getVault() != VAULT)
            revert NotAVenuePool(pool, tokenA, tokenB);
        (address[] memory tokens, , ) = IBalancerVaultMinimal(VAULT).getPoolTokens(
            IBalancerWeightedPoolMinimal(pool).getPoolId()
        );
        if (_indexOf(tokens, tokenA) == type(uint256).max || _indexOf(tokens, tokenB) == type(uint256).max)
            revert NotAVenuePool(pool, tokenA, tokenB);
    }

    /// @inheritdoc IVenueAdapter
    function spot(address pool, address tokenIn, address tokenOut) external view returns (uint256 priceX128) {
        return quote(pool, tokenIn, tokenOut).priceX128;
    }

    /// @inheritdoc IVenueAdapter
    /// @dev Weighted math: spot = (Bo / wo) / (Bi / wi); a swap of `a` moves ln(spot) by about
    /// (a / Bi) · (1 + wi / wo), so the equivalent constant-product depth is 2 · Bi · wo / (wi + wo).
    function quote(
        address pool,
        address tokenIn,
        address tokenOut
    ) public view returns (VenueQuote memory q) {
        (address[] memory tokens, uint256[] memory balances, ) = IBalancerVaultMinimal(VAULT).getPoolTokens(
            IBalancerWeightedPoolMinimal(pool).getPoolId()
        );
        uint256[] memory weights = IBalancerWeightedPoolMinimal(pool).getNormalizedWeights();
        uint256 i = _indexOf(tokens, tokenIn);
        uint256 o = _indexOf(tokens, tokenOut);
        if (balances[i] != 0)
            q.priceX128 = FixedPointMathLib.fullMulDiv(
                balances[o] * weights[i],
                1 << 128,
                balances[i] * weights[o]
            );
        q.depthIn = (2 * balances[i] * weights[o]) / (weights[i] + weights[o]);
        // 1e18 = 100 %; millionths, rounded up (the fee is never understated).
        q.feePpm = IBalancerWeightedPoolMinimal(pool).getSwapFeePercentage().divUp(1e12);
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
        data = abi.encodeCall(
            IBalancerVaultMinimal.swap,
            (
                IBalancerVaultMinimal.SingleSwap(
                    IBalancerWeightedPoolMinimal(pool).getPoolId(),
                    IBalancerVaultMinimal.SwapKind.GIVEN_IN,
                    tokenIn,
                    tokenOut,
                    amountIn,
                    ""
                ),
                IBalancerVaultMinimal.FundManagement(recipient, false, payable(recipient), false),
                minAmountOut,
                block.timestamp
            )
        );
        return (VAULT, 0, data);
    }

    function _indexOf(address[] memory tokens, address token) private pure returns (uint256) {
        for (uint256 i; i < tokens.length; ++i) {
            if (tokens[i] == token) return i;
        }
        return type(uint256).max;
    }
}
