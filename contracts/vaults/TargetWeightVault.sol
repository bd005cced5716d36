// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC4626} from "solady/src/tokens/ERC4626.sol";
import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {Rounding} from "../core/EngineBase.sol";
import {RebalanceEngine} from "../core/RebalanceEngine.sol";
import {IBallastErrors} from "../interfaces/IBallastErrors.sol";
import {AssetConfig, EngineParams, EngineState, VaultKind} from "../interfaces/IRebalanceEngine.sol";
import {
    ITargetWeightVaultCore,
    ITargetWeightVaultExt,
    WeightInit
} from "../interfaces/ITargetWeightVault.sol";
import {WAD} from "../libraries/ConstantsLib.sol";
import {TargetWeightStrategy} from "../strategies/TargetWeightStrategy.sol";

/// @title TargetWeightVault
/// @notice Keeps 2..8 assets at target weights: the vault's core, holding the hot paths —
/// `rebalance()`, ERC-4626 deposits and withdrawals, previews, `totalAssets` and `redeemInKind`. Its
/// admin, setters and views run in `TargetWeightVaultExt`, through the engine's `fallback`. Call the
/// vault with the merged `ITargetWeightVault` ABI; SPEC.md describes both halves.
contract TargetWeightVault is ITargetWeightVaultCore, RebalanceEngine, TargetWeightStrategy, ERC4626 {
    using SafeTransferLib for address;
    using FixedPointMathLib for uint256;

    /* ---------------------------------------------------------------- IMMUTABLES */

    /// @dev Virtual-share offset against the donation (inflation) attack: shares have at least 18 decimals.
    uint8 private immutable DECIMALS_OFFSET;
    uint8 private immutable QUOTE_DECIMALS;

    /* ---------------------------------------------------------------- CONSTRUCTOR */

    /// @param ext A `TargetWeightVaultExt` deployed with this vault's `EngineInit` and target delay.
    /// @param params Admin, guardian, staleness limits and settings, checked by the extension.
    /// @param weights Initial targets and bands, checked by the extension.
    constructor(
        address ext,
        string memory name_,
        string memory symbol_,
        EngineParams memory params,
        WeightInit memory weights
    ) RebalanceEngine(ext, VaultKind.TargetWeight) {
        uint8 quoteDecimals = _assetConfigs()[0].decimals;
        QUOTE_DECIMALS = quoteDecimals;
        DECIMALS_OFFSET = quoteDecimals < 12 ? 18 - quoteDecimals : 6;
        _initializeThroughExtension(
            abi.encodeCall(ITargetWeightVaultExt.initialize, (name_, symbol_, params, weights))
        );
    }

    /* ---------------------------------------------------------------- PERMISSIONLESS */

    /// @inheritdoc ITargetWeightVaultCore
    function redeemInKind(
        uint256 shares,
        address receiver,
        address owner_
    ) external nonReentrant returns (uint256[] memory amounts) {
        if (shares == 0) revert IBallastErrors.ZeroAmount();
        if (receiver == address(0)) revert IBallastErrors.ZeroAddress();
        if (msg.sender != owner_) _spendAllowance(owner_, msg.sender, shares);
        // Same virtual supply as the ERC-4626 conversions, so in-kind and quote exits agree.
        uint256 supply = _virtualSupply();
        _burn(owner_, shares);
        AssetConfig[] memory cfg = _assetConfigs();
        amounts = new uint256[](cfg.length);
        for (uint256 i; i < cfg.length; ++i) {
            amounts[i] = cfg[i].token.balanceOf(address(this)).mulDiv(shares, supply);
            if (amounts[i] != 0) cfg[i].token.safeTransfer(receiver, amounts[i]);
        }
        emit RedeemedInKind(owner_, receiver, shares, amounts);
    }

    /// @notice ERC-4626 deposit; stopped while paused or inactive.
    /// @dev Who: anyone. Priced at oracle NAV (rounded up), so pool manipulation cannot move it; an
    /// oracle that lags the market lets a depositor trade against that lag, bounded by the feed's
    /// deviation threshold (SPEC.md, "Known limits").
    function deposit(uint256 assets, address receiver) public override nonReentrant returns (uint256) {
        return super.deposit(assets, receiver);
    }

    /// @notice ERC-4626 mint; stopped while paused or inactive.
    function mint(uint256 shares, address receiver) public override nonReentrant returns (uint256) {
        return super.mint(shares, receiver);
    }

    /// @notice ERC-4626 withdrawal in the quote asset, up to the quote the vault holds; works when paused.
    /// @dev Values the vault once: the limit (`maxWithdraw`) and the shares burned (`previewWithdraw`)
    /// are priced against the same NAV, rounded down, as the two views would price them.
    function withdraw(
        uint256 assets,
        address receiver,
        address owner_
    ) public override nonReentrant returns (uint256 shares) {
        uint256 navPlusOne = _navQuote(Rounding.Down) + 1;
        uint256 supply = _virtualSupply();
        uint256 max = FixedPointMathLib.min(
            balanceOf(owner_).fullMulDiv(navPlusOne, supply),
            QUOTE.balanceOf(address(this))
        );
        if (assets > max) revert WithdrawMoreThanMax();
        shares = assets.fullMulDivUp(supply, navPlusOne);
        _withdraw(msg.sender, receiver, owner_, assets, shares);
    }

    /// @notice ERC-4626 redemption in the quote asset, up to the quote the vault holds; works when paused.
    /// @dev Values the vault once: the limit (`maxRedeem`) and the assets paid (`previewRedeem`) are
    /// priced against the same NAV, rounded down, as the two views would price them.
    function redeem(
        uint256 shares,
        address receiver,
        address owner_
    ) public override nonReentrant returns (uint256 assets) {
        uint256 navPlusOne = _navQuote(Rounding.Down) + 1;
        uint256 supply = _virtualSupply();
        uint256 max = FixedPointMathLib.min(
            balanceOf(owner_),
            QUOTE.balanceOf(address(this)).fullMulDivUp(supply, navPlusOne)
        );
        if (shares > max) revert RedeemMoreThanMax();
        assets = shares.fullMulDiv(navPlusOne, supply);
        _withdraw(msg.sender, receiver, owner_, assets, shares);
    }

    /* ---------------------------------------------------------------- VIEWS */

    /// @notice NAV in quote units at oracle prices, rounded down. Reverts when prices are unusable.
    function totalAssets() public view override returns (uint256) {
        return _navQuote(Rounding.Down);
    }

    /// @notice 0 while paused or inactive: deposits are stopped.
    function maxDeposit(address) public view override returns (uint256) {
        return _depositsOpen() ? type(uint256).max : 0;
    }

    /// @notice 0 while paused or inactive: deposits are stopped.
    function maxMint(address) public view override returns (uint256) {
        return _depositsOpen() ? type(uint256).max : 0;
    }

    /// @notice Bounded by the quote asset the vault holds; use `redeemInKind` for the rest.
    function maxWithdraw(address owner_) public view override returns (uint256) {
        return FixedPointMathLib.min(super.maxWithdraw(owner_), QUOTE.balanceOf(address(this)));
    }

    /// @notice Bounded by the quote asset the vault holds; use `redeemInKind` for the rest.
    function maxRedeem(address owner_) public view override returns (uint256) {
        return FixedPointMathLib.min(balanceOf(owner_), previewWithdraw(QUOTE.balanceOf(address(this))));
    }

    /// @notice The quote asset: deposits, withdrawals and NAV are in its units.
    function asset() public view override returns (address) {
        return QUOTE;
    }

    function name() public view override returns (string memory) {
        return _tw().name;
    }

    function symbol() public view override returns (string memory) {
        return _tw().symbol;
    }

    /* ---------------------------------------------------------------- ERC-4626 PRICING */

    // Every conversion prices against NAV rounded in the vault's favour: shares handed out are
    // priced against the larger NAV, assets handed out against the smaller one, and each result
    // rounds against the caller. Virtual shares (10 ** DECIMALS_OFFSET) and one virtual asset as in
    // the OpenZeppelin/Solady mitigation of the donation attack.

    function convertToShares(uint256 assets) public view override returns (uint256) {
        return previewDeposit(assets);
    }

    function convertToAssets(uint256 shares) public view override returns (uint256) {
        return previewRedeem(shares);
    }

    function previewDeposit(uint256 assets) public view override returns (uint256) {
        return assets.fullMulDiv(_virtualSupply(), _navQuote(Rounding.Up) + 1);
    }

    function previewMint(uint256 shares) public view override returns (uint256) {
        return shares.fullMulDivUp(_navQuote(Rounding.Up) + 1, _virtualSupply());
    }

    function previewWithdraw(uint256 assets) public view override returns (uint256) {
        return assets.fullMulDivUp(_virtualSupply(), _navQuote(Rounding.Down) + 1);
    }

    function previewRedeem(uint256 shares) public view override returns (uint256) {
        return shares.fullMulDiv(_navQuote(Rounding.Down) + 1, _virtualSupply());
    }

    function _virtualSupply() private view returns (uint256) {
        return totalSupply() + 10 ** DECIMALS_OFFSET;
    }

    function _decimalsOffset() internal view override returns (uint8) {
        return DECIMALS_OFFSET;
    }

    function _underlyingDecimals() internal view override returns (uint8) {
        return QUOTE_DECIMALS;
    }

    function _depositsOpen() private view returns (bool) {
        EngineState storage state = _engine().state;
        return state.active && !state.paused;
    }

    /// @dev NAV in quote units, each holding's value and the conversion rounded the same way.
    function _navQuote(Rounding rounding) private view returns (uint256) {
        uint256 navWad = _valuationOrRevert(rounding).nav;
        return rounding == Rounding.Up ? navWad.mulDivUp(QUOTE_UNIT, WAD) : navWad.mulDiv(QUOTE_UNIT, WAD);
    }
}
