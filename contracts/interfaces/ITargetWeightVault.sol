// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

import {
    EngineParams,
    IRebalanceEngine,
    IRebalanceEngineCore,
    IRebalanceEngineExt
} from "./IRebalanceEngine.sol";

/// @notice Initial target weights and bands, in bps, one entry per asset (asset 0 = quote).
struct WeightInit {
    uint16[] targetBps; // sums to 10,000
    uint16[] absBandBps; // absolute band, bps of NAV; 0 = off
    uint16[] relBandBps; // relative band, bps of the target weight; 0 = off
}

/* solhint-disable no-empty-blocks */
/// @title ITargetWeightVaultCore
/// @notice What a target-weight vault's core runs itself besides the engine's hot path: ERC-4626
/// shares over the quote asset (the core also implements the ERC-4626 ABI) and `redeemInKind`.
interface ITargetWeightVaultCore is IRebalanceEngineCore {
    /// @notice `shares` of `owner` were burnt for a pro-rata slice of every asset, sent to `receiver`.
    event RedeemedInKind(address indexed owner, address indexed receiver, uint256 shares, uint256[] amounts);
    /// @notice `receiver` got `shares` for `amounts` of every asset, a pro-rata slice paid by `by`.
    event MintedInKind(address indexed by, address indexed receiver, uint256 shares, uint256[] amounts);
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

    /// @notice Mints `shares` to `receiver` for the same fraction of every asset held, taken from the
    /// caller (approve each token first); amounts round up (in the vault's favour).
    /// @dev Who: anyone, while deposits are open. Needs no price and trades nothing, so it costs the
    /// other holders nothing and no oracle lag can be captured through it. Reverts with ZeroAmount
    /// when the slice is empty (an empty vault has no mix to join: deposit quote instead).
    function mintInKind(uint256 shares, address receiver) external returns (uint256[] memory amounts);
}

/* solhint-disable no-empty-blocks */
/// @title ITargetWeightVaultExt
/// @notice A target-weight vault's cold functions, run by its extension: targets, bands and views.
interface ITargetWeightVaultExt is IRebalanceEngineExt {
    /// @notice New targets were proposed; they can apply from `eta` (unix seconds).
    event TargetsProposed(uint16[] targetBps, uint256 eta);
    /// @notice These targets are now in force.
    event TargetsApplied(uint16[] targetBps);
    /// @notice The pending targets were dropped.
    event TargetsCancelled();
    /// @notice The bands are now these (bps; 0 = off).
    event BandsSet(uint16[] absBandBps, uint16[] relBandBps);

    /// @notice Writes the vault's initial state. Runs only inside the vault's constructor (through
    /// its DELEGATECALL); any other call reverts with NotInitializing.
    function initialize(
        string calldata name,
        string calldata symbol,
        EngineParams calldata params,
        WeightInit calldata weights
    ) external;

    /// @notice Proposes new targets; they can apply after `TARGET_DELAY_SECONDS`. Admin only.
    function proposeTargets(uint16[] calldata targetBps) external;

    /// @notice Applies the pending targets once their delay has run out. Anyone may call.
    /// @dev Who: anyone. It can only apply what the admin proposed, no earlier than the delay allows.
    function applyTargets() external;

    /// @notice Drops the pending targets. Admin only.
    function cancelTargets() external;

    /// @notice Sets the bands, each within its immutable bounds or 0 (off); at least one per asset. Admin only.
    function setBands(uint16[] calldata absBandBps, uint16[] calldata relBandBps) external;

    /// @notice Target weights and bands in force, bps, one entry per asset.
    function targets()
        external
        view
        returns (uint16[] memory targetBps, uint16[] memory absBandBps, uint16[] memory relBandBps);

    /// @notice The proposed targets and when they can apply (eta 0: nothing pending).
    function pendingTargets() external view returns (uint16[] memory targetBps, uint256 eta);

    /// @notice Current weights at oracle prices (WAD) and NAV (quote WAD); reverts if prices are unusable.
    function weightsWad() external view returns (uint256[] memory weights, uint256 navWad);

    /// @notice Delay between proposing and applying targets, seconds (an immutable of the extension).
    function targetDelaySeconds() external view returns (uint256);
}

/* solhint-disable no-empty-blocks */
/// @title ITargetWeightVault
/// @notice An N-asset vault (2..8) that keeps target weights through the engine's permissionless
/// `rebalance()`: core and extension merged, the one ABI to call the vault's address with. ERC-4626
/// shares over the quote asset, priced at oracle NAV; deposits and withdrawals are in the quote
/// asset (shares also take ERC-2612 permits), and `redeemInKind` pays a pro-rata slice of every asset without touching an oracle, so it
/// works even when paused or when a feed is down.
/// @dev An asset is out of band when |weight - target| exceeds its band: the tighter of the
/// absolute band (bps of NAV) and the relative band (bps of the target); a band set to 0 is off.
interface ITargetWeightVault is
    IRebalanceEngine,
    ITargetWeightVaultCore,
    ITargetWeightVaultExt,
    IERC4626,
    IERC20Permit
{}
/* solhint-enable no-empty-blocks */
