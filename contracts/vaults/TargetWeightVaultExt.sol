// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {EngineExtension} from "../core/EngineExtension.sol";
import {Rounding} from "../core/EngineBase.sol";
import {IBallastErrors} from "../interfaces/IBallastErrors.sol";
import {
    EngineInit,
    EngineParams,
    HEALTHY,
    IRebalanceEngineExt,
    Reason,
    VaultKind
} from "../interfaces/IRebalanceEngine.sol";
import {ITargetWeightVault, ITargetWeightVaultExt, WeightInit} from "../interfaces/ITargetWeightVault.sol";
import {ConstantsLib, WAD} from "../libraries/ConstantsLib.sol";
import {TargetWeightFlows} from "../strategies/TargetWeightFlows.sol";
import {TargetWeightStorage} from "../strategies/TargetWeightStrategy.sol";

/// @title TargetWeightVaultExt
/// @notice The cold half of a `TargetWeightVault`: the engine's admin and views, plus targets (propose,
/// cancel, apply after the delay), bands and the weight views. Reached only through the vault's
/// `fallback` (DELEGATECALL); deploy one per vault, before the vault.
contract TargetWeightVaultExt is ITargetWeightVaultExt, EngineExtension, TargetWeightFlows {
    using FixedPointMathLib for uint256;

    /// @dev Delay between proposing and applying targets.
    uint256 private immutable TARGET_DELAY_SECONDS;

    /// @param init The vault's assets, router and sequencer feed (its immutables).
    /// @param delaySeconds Delay before proposed targets can apply, in [1 hour, 30 days].
    constructor(EngineInit memory init, uint256 delaySeconds) EngineExtension(init) {
        ConstantsLib.checkBound(
            "targetDelaySeconds",
            delaySeconds,
            ConstantsLib.MIN_TARGET_DELAY_SECONDS,
            ConstantsLib.MAX_TARGET_DELAY_SECONDS
        );
        TARGET_DELAY_SECONDS = delaySeconds;
    }

    /* ---------------------------------------------------------------- CONSTRUCTION */

    /// @inheritdoc ITargetWeightVaultExt
    function initialize(
        string calldata name_,
        string calldata symbol_,
        EngineParams calldata params,
        WeightInit calldata weights
    ) external onlyInitializing {
        _initializeEngine(params);
        TargetWeightStorage storage $ = _tw();
        $.name = name_;
        $.symbol = symbol_;
        _setTargets(_checkTargets(weights.targetBps));
        _setBands(weights.absBandBps, weights.relBandBps);
    }

    /* ---------------------------------------------------------------- PERMISSIONLESS */

    /// @inheritdoc ITargetWeightVaultExt
    function applyTargets() external {
        TargetWeightStorage storage $ = _tw();
        uint256 eta = $.pendingTargetsEta;
        if (eta == 0 || block.timestamp < eta) revert IBallastErrors.TargetsNotReady(eta);
        uint16[] memory t = _toArray($.pendingTargetBps);
        delete $.pendingTargetBps;
        $.pendingTargetsEta = 0;
        _setTargets(t);
    }

    /* ---------------------------------------------------------------- ONLY ADMIN */

    /// @inheritdoc ITargetWeightVaultExt
    function proposeTargets(uint16[] calldata targetBps) external onlyOwner {
        uint16[] memory t = _checkTargets(targetBps);
        TargetWeightStorage storage $ = _tw();
        for (uint256 i; i < t.length; ++i) {
            $.pendingTargetBps[i] = t[i];
        }
        uint256 eta = block.timestamp + TARGET_DELAY_SECONDS;
        $.pendingTargetsEta = uint40(eta);
        emit TargetsProposed(t, eta);
    }

    /// @inheritdoc ITargetWeightVaultExt
    function cancelTargets() external onlyOwner {
        TargetWeightStorage storage $ = _tw();
        delete $.pendingTargetBps;
        $.pendingTargetsEta = 0;
        emit TargetsCancelled();
    }

    /// @inheritdoc ITargetWeightVaultExt
    function setBands(uint16[] calldata absBandBps, uint16[] calldata relBandBps) external onlyOwner {
        _setBands(absBandBps, relBandBps);
    }

    /* ---------------------------------------------------------------- ERC-4626 VIEWS */

    /// @notice ERC-4626: NAV in quote units at the feeds' last answers, rounded down. A stale feed or
    /// a down sequencer does not make it revert (it must not); a feed with no usable answer does
    /// (OracleUnhealthy).
    function totalAssets() external view returns (uint256) {
        return _quote(_lastKnownNav(Rounding.Down), Rounding.Down);
    }

    /// @notice ERC-4626: the shares `deposit(assets)` mints at worst — every buy at its minimum
    /// output; no more than it will mint. Reverts with OracleUnhealthy when `deposit` would.
    function previewDeposit(uint256 assets) external view returns (uint256) {
        return _previewDeposit(_valuationOrRevert(Rounding.Up), assets);
    }

    /// @notice ERC-4626: the quote `mint(shares)` takes — enough that even at every buy's minimum
    /// output the credit covers the shares; no less than it will take.
    function previewMint(uint256 shares) external view returns (uint256 assets) {
        (assets, ) = _mintCost(_valuationOrRevert(Rounding.Up), shares);
    }

    /// @notice ERC-4626: the shares `withdraw(assets)` burns at worst — every sale at its minimum
    /// output; no fewer than it will burn.
    function previewWithdraw(uint256 assets) external view returns (uint256) {
        return _previewWithdraw(_valuationOrRevert(Rounding.Down), assets, _virtualSupply());
    }

    /// @notice ERC-4626: the quote `redeem(shares)` pays at worst — the quote slice plus every sale at
    /// its minimum output; no more than it will pay.
    function previewRedeem(uint256 shares) external view returns (uint256) {
        return _previewRedeem(_valuationOrRevert(Rounding.Down), shares);
    }

    /// @notice ERC-4626: unlimited while deposits are open, else 0 — paused, inactive or without
    /// healthy prices, when `deposit` would revert.
    function maxDeposit(address) external view returns (uint256) {
        return _depositsOpen() && _healthy() ? type(uint256).max : 0;
    }

    /// @notice ERC-4626: unlimited while deposits are open, else 0 (as `maxDeposit`).
    function maxMint(address) external view returns (uint256) {
        return _depositsOpen() && _healthy() ? type(uint256).max : 0;
    }

    /// @notice ERC-4626: what `owner` can surely withdraw — the worst case of redeeming every share it
    /// holds (`previewRedeem`, each leg at its minimum output), stepped down by rounding until
    /// `previewWithdraw` fits its balance; 0 without healthy prices.
    function maxWithdraw(address owner) external view returns (uint256 assets) {
        if (!_healthy()) return 0;
        uint256 shares = ITargetWeightVault(address(this)).balanceOf(owner);
        if (shares == 0) return 0;
        Valuation memory v = _valuationOrRevert(Rounding.Down);
        uint256 supply = _virtualSupply();
        assets = _previewRedeem(v, shares);
        for (uint256 k; k < 3 && assets != 0; ++k) {
            if (_previewWithdraw(v, assets, supply) <= shares) return assets;
            assets -= FixedPointMathLib.max(assets / 1e9, 1);
        }
        return 0;
    }

    /// @notice ERC-4626: every share `owner` holds; 0 without healthy prices (`redeemInKind` still works).
    function maxRedeem(address owner) external view returns (uint256) {
        return _healthy() ? ITargetWeightVault(address(this)).balanceOf(owner) : 0;
    }

    /// @notice ERC-4626: shares `assets` of quote are worth at NAV rounded up, without the trading a
    /// deposit does (`previewDeposit` includes it). Priced at the feeds' last answers, so a stale feed
    /// does not make it revert; a feed with no usable answer does (OracleUnhealthy).
    function convertToShares(uint256 assets) external view returns (uint256) {
        uint256 navWad = _lastKnownNav(Rounding.Up);
        return assets.fullMulDiv(_virtualSupply(), navWad.mulDivUp(QUOTE_UNIT, WAD) + 1);
    }

    /// @notice ERC-4626: quote `shares` are worth at NAV rounded down, without the trading a
    /// redemption does (`previewRedeem` includes it). Priced as `convertToShares`.
    function convertToAssets(uint256 shares) external view returns (uint256) {
        uint256 navWad = _lastKnownNav(Rounding.Down);
        return shares.fullMulDiv(navWad.mulDiv(QUOTE_UNIT, WAD) + 1, _virtualSupply());
    }

    /* ---------------------------------------------------------------- VIEWS */

    /// @inheritdoc IRebalanceEngineExt
    function vaultKind() external pure returns (VaultKind) {
        return VaultKind.TargetWeight;
    }

    /// @inheritdoc ITargetWeightVaultExt
    function targets()
        external
        view
        returns (uint16[] memory targetBps, uint16[] memory absBandBps, uint16[] memory relBandBps)
    {
        TargetWeightStorage storage $ = _tw();
        return (_toArray($.targetBps), _toArray($.absBandBps), _toArray($.relBandBps));
    }

    /// @inheritdoc ITargetWeightVaultExt
    function pendingTargets() external view returns (uint16[] memory targetBps, uint256 eta) {
        TargetWeightStorage storage $ = _tw();
        return (_toArray($.pendingTargetBps), $.pendingTargetsEta);
    }

    /// @inheritdoc ITargetWeightVaultExt
    function weightsWad() external view returns (uint256[] memory weights, uint256 navWad) {
        Valuation memory v = _valuationOrRevert(Rounding.Down);
        return (_weights(v), v.nav);
    }

    function _healthy() private view returns (bool) {
        (Reason r, , ) = _valuation(Rounding.Down);
        return r == HEALTHY;
    }

    /// @dev The vault's supply plus the virtual shares, as its core counts them.
    function _virtualSupply() internal view override returns (uint256) {
        return
            ITargetWeightVault(address(this)).totalSupply() +
            10 ** _decimalsOffset(_assetConfigs()[0].decimals);
    }

    /// @inheritdoc ITargetWeightVaultExt
    function targetDelaySeconds() external view returns (uint256) {
        return TARGET_DELAY_SECONDS;
    }
}
