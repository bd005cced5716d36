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
    /// @notice These targets are now in force.
    event TargetsApplied(uint16[] targetBps);
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

    /// @notice Sets the target weights: one entry per asset, summing to 10,000 bps. Admin only.
    /// @dev Any change of targets makes holders pay for the trading to reach them, so it must be
    /// queued (`queueChange` with this call's calldata) `changeDelaySeconds()` before; else it reverts
    /// with ChangeNotReady. Holders who disagree can leave in the meantime.
    function setTargets(uint16[] calldata targetBps) external;

    /// @notice Sets the bands, each within its immutable bounds or 0 (off); at least one per asset. Admin only.
    /// @dev Narrowing any band (switching one on or lowering it) makes rebalances, which holders pay
    /// for, come sooner: it must be queued (`queueChange`) as a loosening engine setting is.
    /// Widening applies at once.
    function setBands(uint16[] calldata absBandBps, uint16[] calldata relBandBps) external;

    /// @notice Target weights and bands in force, bps, one entry per asset.
    function targets()
        external
        view
        returns (uint16[] memory targetBps, uint16[] memory absBandBps, uint16[] memory relBandBps);

    /// @notice Current weights at oracle prices (WAD) and NAV (quote WAD); reverts if prices are unusable.
    function weightsWad() external view returns (uint256[] memory weights, uint256 navWad);
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
