// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IRebalanceEngine} from "./IRebalanceEngine.sol";

/// @notice Target weights and bands, in bps, one entry per asset (asset 0 = quote).
struct WeightInit {
    uint16[] targetBps; // sums to 10,000
    uint16[] absBandBps; // absolute band, bps of NAV; 0 = off
    uint16[] relBandBps; // relative band, bps of the target weight; 0 = off
    uint256 targetDelaySeconds; // delay before proposed targets can apply
}

/// @title ITargetWeightVault
/// @notice An N-asset vault (2..8) that keeps target weights through the engine's permissionless
/// `rebalance()`. ERC-4626 shares (the vault also implements the ERC-4626 ABI) over the quote asset, priced at oracle NAV; deposits and
/// withdrawals are in the quote asset, and `redeemInKind` pays a pro-rata slice of every asset
/// without touching an oracle, so it works even when paused or when a feed is down.
/// @dev An asset is out of band when |weight - target| exceeds its band: the tighter of the
/// absolute band (bps of NAV) and the relative band (bps of the target); a band set to 0 is off.
interface ITargetWeightVault is IRebalanceEngine {
    event TargetsProposed(uint16[] targetBps, uint256 eta);
    event TargetsApplied(uint16[] targetBps);
    event TargetsCancelled();
    event BandsSet(uint16[] absBandBps, uint16[] relBandBps);
    event RedeemedInKind(address indexed owner, address indexed receiver, uint256 shares, uint256[] amounts);
    /// @notice Weights (WAD) before and after an executed rebalance, one entry per asset.
    event WeightsRebalanced(uint256[] weightsBeforeWad, uint256[] weightsAfterWad);

    /// @notice Burns `shares` of `owner` and sends `receiver` the same fraction of every asset held.
    /// @dev Who: the owner of the shares or an approved spender. Needs no price, so it is immune to
    /// oracle manipulation and works when paused. Amounts round down (in the vault's favour).
    function redeemInKind(
        uint256 shares,
        address receiver,
        address owner
    ) external returns (uint256[] memory amounts);

    /// @notice Proposes new targets; they can apply after `TARGET_DELAY_SECONDS`. Admin only.
    function proposeTargets(uint16[] calldata targetBps) external;

    /// @notice Applies the pending targets once their delay has run out. Anyone may call.
    function applyTargets() external;

    /// @notice Drops the pending targets. Admin only.
    function cancelTargets() external;

    /// @notice Sets the bands, each within its immutable bounds or 0 (off); at least one per asset.
    function setBands(uint16[] calldata absBandBps, uint16[] calldata relBandBps) external;

    function targets()
        external
        view
        returns (uint16[] memory targetBps, uint16[] memory absBandBps, uint16[] memory relBandBps);
    function pendingTargets() external view returns (uint16[] memory targetBps, uint256 eta);
    /// @notice Current weights at oracle prices (WAD) and NAV (quote WAD); reverts if prices are unusable.
    function weightsWad() external view returns (uint256[] memory weights, uint256 navWad);
}
