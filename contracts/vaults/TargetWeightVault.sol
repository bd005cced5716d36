// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ERC20} from "solady/src/tokens/ERC20.sol";
import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {Rounding} from "../core/EngineBase.sol";
import {RebalanceEngine} from "../core/RebalanceEngine.sol";
import {IBallastErrors} from "../interfaces/IBallastErrors.sol";
import {AssetConfig, EngineParams, Leg, VaultKind, VenueInit} from "../interfaces/IRebalanceEngine.sol";
import {
    ITargetWeightVaultCore,
    ITargetWeightVaultExt,
    WeightInit
} from "../interfaces/ITargetWeightVault.sol";
import {ConstantsLib} from "../libraries/ConstantsLib.sol";
import {TargetWeightFlows} from "../strategies/TargetWeightFlows.sol";

/// @title TargetWeightVault
/// @notice Keeps 2..8 assets at target weights: the vault's core, holding the hot paths —
/// `rebalance()`, ERC-4626 deposits and withdrawals, previews, `totalAssets` and `redeemInKind`. Its
/// admin, setters and views run in `TargetWeightVaultExt`, through the engine's `fallback`. Call the
/// vault with the merged `ITargetWeightVault` ABI; SPEC.md describes both halves.
contract TargetWeightVault is ITargetWeightVaultCore, RebalanceEngine, TargetWeightFlows, ERC20 {
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
    /// @param venues The first venue list, checked by the venue module.
    constructor(
        address ext,
        string memory name_,
        string memory symbol_,
        EngineParams memory params,
        WeightInit memory weights,
        VenueInit memory venues
    ) RebalanceEngine(ext, VaultKind.TargetWeight) {
        uint8 quoteDecimals = _assetConfigs()[0].decimals;
        QUOTE_DECIMALS = quoteDecimals;
        DECIMALS_OFFSET = _decimalsOffset(quoteDecimals);
        _initializeThroughExtension(
            abi.encodeCall(ITargetWeightVaultExt.initialize, (name_, symbol_, params, weights)),
            venues
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
        amounts = _moveSlice(shares, supply, receiver, false);
        emit RedeemedInKind(owner_, receiver, shares, amounts);
    }

    /// @inheritdoc ITargetWeightVaultCore
    function mintInKind(
        uint256 shares,
        address receiver
    ) external nonReentrant returns (uint256[] memory amounts) {
        if (shares == 0) revert IBallastErrors.ZeroAmount();
        if (receiver == address(0)) revert IBallastErrors.ZeroAddress();
        if (!_depositsOpen()) revert IBallastErrors.MintMoreThanMax();
        amounts = _moveSlice(shares, _virtualSupply(), msg.sender, true);
        _mint(receiver, shares);
        emit MintedInKind(msg.sender, receiver, shares, amounts);
    }

    /// @dev Moves `shares / supply` of every asset held: in from `who` rounded up (`into`), or out to
    /// `who` rounded down. Reverts with ZeroAmount when a mint's slice is empty (an empty vault).
    function _moveSlice(
        uint256 shares,
        uint256 supply,
        address who,
        bool into
    ) private returns (uint256[] memory amounts) {
        AssetConfig[] memory cfg = _assetConfigs();
        amounts = new uint256[](cfg.length);
        bool moved;
        for (uint256 i; i < cfg.length; ++i) {
            uint256 held = cfg[i].token.balanceOf(address(this));
            amounts[i] = into ? held.mulDivUp(shares, supply) : held.mulDiv(shares, supply);
            if (amounts[i] == 0) continue;
            moved = true;
            if (into) cfg[i].token.safeTransferFrom(who, address(this), amounts[i]);
            else cfg[i].token.safeTransfer(who, amounts[i]);
        }
        if (into && !moved) revert IBallastErrors.ZeroAmount();
    }

    /// @notice ERC-4626 deposit of the quote asset, swapped into the vault's current mix inside the
    /// call at the depositor's cost; stopped while paused or inactive.
    /// @dev Who: anyone. Each non-quote asset gets `assets · value_i / NAV` of quote, bought through
    /// its pool with the oracle-bounded minimum output; shares are minted for what arrived, each
    /// asset credited at the lower of its oracle value and the quote it cost, against NAV rounded up.
    /// The other holders pay nothing and the vault's weights do not move; the depositor bears the
    /// pools' fee and impact, at most `maxSlippageBps` of the non-quote part (`previewDeposit` is
    /// that worst case). An empty vault keeps the deposit in quote.
    function deposit(uint256 assets, address receiver) external nonReentrant returns (uint256 shares) {
        if (!_depositsOpen()) revert IBallastErrors.DepositMoreThanMax();
        Valuation memory v = _valuationOrRevert(Rounding.Up);
        uint256 supply = _virtualSupply();
        QUOTE.safeTransferFrom(msg.sender, address(this), assets);
        shares = _buySlice(v, assets).mulDiv(supply, _quote(v.nav, Rounding.Up) + 1);
        _mint(receiver, shares);
        emit IERC4626.Deposit(msg.sender, receiver, assets, shares);
    }

    /// @notice ERC-4626 mint: takes `previewMint(shares)` of quote, swaps it as `deposit` does, mints
    /// exactly `shares` and refunds in quote what arrived beyond their price (as far as the vault
    /// holds quote); stopped while paused or inactive.
    function mint(uint256 shares, address receiver) external nonReentrant returns (uint256 assets) {
        if (!_depositsOpen()) revert IBallastErrors.MintMoreThanMax();
        Valuation memory v = _valuationOrRevert(Rounding.Up);
        uint256 owed;
        (assets, owed) = _mintCost(v, shares);
        QUOTE.safeTransferFrom(msg.sender, address(this), assets);
        uint256 credit = _buySlice(v, assets);
        uint256 refund = FixedPointMathLib.min(credit - owed, QUOTE.balanceOf(address(this)));
        if (refund != 0) {
            assets -= refund;
            QUOTE.safeTransfer(msg.sender, refund);
        }
        _mint(receiver, shares);
        emit IERC4626.Deposit(msg.sender, receiver, assets, shares);
    }

    /// @notice ERC-4626 withdrawal of exactly `assets` of quote; works when paused.
    /// @dev Sells a slice of every non-quote holding (sized at the pools' fee tiers, each leg
    /// oracle-bounded), pays `assets` and burns shares for the oracle value the vault lost: the quote
    /// paid plus what it sold, less what the sales brought. The withdrawer bears the pools' fee and
    /// impact; `previewWithdraw` is the worst case, at every leg's minimum output.
    function withdraw(
        uint256 assets,
        address receiver,
        address owner_
    ) external nonReentrant returns (uint256 shares) {
        Valuation memory v = _valuationOrRevert(Rounding.Down);
        uint256 supply = _virtualSupply();
        Leg[] memory legs = _withdrawLegs(v, assets, supply);
        uint256 outflow = _withdrawOutflow(v, legs, assets);
        if (_withdrawShares(v, outflow, _minOuts(legs), supply) > balanceOf(owner_))
            revert IBallastErrors.WithdrawMoreThanMax();
        shares = _withdrawShares(v, outflow, _sell(v, legs), supply);
        if (msg.sender != owner_) _spendAllowance(owner_, msg.sender, shares);
        _burn(owner_, shares);
        QUOTE.safeTransfer(receiver, assets);
        emit IERC4626.Withdraw(msg.sender, receiver, owner_, assets, shares);
    }

    /// @notice ERC-4626 redemption in the quote asset; works when paused.
    /// @dev Burns `shares`, pays their fraction of the vault's quote and sells the same fraction of
    /// every other holding (each leg oracle-bounded) for the withdrawer: a pro-rata slice, so the
    /// other holders pay nothing and the weights do not move. `previewRedeem` is the worst case.
    function redeem(
        uint256 shares,
        address receiver,
        address owner_
    ) external nonReentrant returns (uint256 assets) {
        if (shares > balanceOf(owner_)) revert IBallastErrors.RedeemMoreThanMax();
        Valuation memory v = _valuationOrRevert(Rounding.Down);
        uint256 supply = _virtualSupply();
        if (msg.sender != owner_) _spendAllowance(owner_, msg.sender, shares);
        _burn(owner_, shares);
        Leg[] memory legs;
        (legs, assets) = _sliceLegs(v, shares, supply);
        assets += _sell(v, legs);
        QUOTE.safeTransfer(receiver, assets);
        emit IERC4626.Withdraw(msg.sender, receiver, owner_, assets, shares);
    }

    /* ---------------------------------------------------------------- VIEWS */

    /// @notice The quote asset: deposits, withdrawals and NAV are in its units.
    function asset() external view returns (address) {
        return QUOTE;
    }

    function name() public view override returns (string memory) {
        return _tw().name;
    }

    function symbol() public view override returns (string memory) {
        return _tw().symbol;
    }

    /* ---------------------------------------------------------------- FLOW EXECUTION */

    /// @dev Runs the deposit's buys; returns the quote units credited: the quote kept plus each
    /// asset received at the lower of its oracle value and its cost.
    function _buySlice(Valuation memory v, uint256 assets) private returns (uint256 credit) {
        Leg[] memory legs;
        (legs, credit) = _depositLegs(v, assets);
        (, uint256[] memory outs) = _executeLegs(legs, v.prices, ConstantsLib.NO_DEVIATION_GATE);
        for (uint256 i = 1; i < legs.length; ++i) {
            if (legs[i].amountIn != 0) credit += _credit(v, i, outs[i], legs[i].amountIn);
        }
    }

    /// @dev Runs sell legs; returns the quote they brought.
    function _sell(Valuation memory v, Leg[] memory legs) private returns (uint256 proceeds) {
        (, uint256[] memory outs) = _executeLegs(legs, v.prices, ConstantsLib.NO_DEVIATION_GATE);
        for (uint256 i = 1; i < outs.length; ++i) proceeds += outs[i];
    }

    function _virtualSupply() internal view override returns (uint256) {
        return totalSupply() + 10 ** DECIMALS_OFFSET;
    }

    /// @notice Share decimals: the quote asset's plus the virtual-share offset (at least 18).
    function decimals() public view override returns (uint8) {
        return QUOTE_DECIMALS + DECIMALS_OFFSET;
    }
}
