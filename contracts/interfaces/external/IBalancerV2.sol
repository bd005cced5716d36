// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// The parts of Balancer V2 that Ballast calls, after v2-interfaces' IVault and the weighted pool's
// getters. Token and asset addresses are plain `address` (the ABI is the same).

interface IBalancerVaultMinimal {
    enum SwapKind {
        GIVEN_IN,
        GIVEN_OUT
    }

    struct SingleSwap {
        bytes32 poolId;
        SwapKind kind;
        address assetIn;
        address assetOut;
        uint256 amount;
        bytes userData;
    }

    struct FundManagement {
        address sender;
        bool fromInternalBalance;
        address payable recipient;
        bool toInternalBalance;
    }

    function swap(
        SingleSwap memory singleSwap,
        FundManagement memory funds,
        uint256 limit,
        uint256 deadline
    ) external payable returns (uint256 amountCalculated);

    function getPoolTokens(
        bytes32 poolId
    ) external view returns (address[] memory tokens, uint256[] memory balances, uint256 lastChangeBlock);
}

interface IBalancerWeightedPoolMinimal {
    function getPoolId() external view returns (bytes32);
    function getVault() external view returns (address);
    function getNormalizedWeights() external view returns (uint256[] memory);
    function getSwapFeePercentage() external view returns (uint256);
}
