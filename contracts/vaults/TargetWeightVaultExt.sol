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
import {BPS, ConstantsLib, WAD} from "../libraries/ConstantsLib.sol";
import {TargetWeightFlows} from "../strategies/TargetWeightFlows.sol";
import {TargetWeightStorage} from "../strategies/TargetWeightStrategy.sol";

/// @title TargetWeightVaultExt
/// @notice The cold half of a `TargetWeightVault`: the engine's admin and views, plus targets (propose,
/// cancel, apply after the delay), bands and the weight views. Reached only through the vault's
/// `fallback` (DELEGATECALL); deploy one per vault, before the vault.
contract TargetWeightVaultExt is ITargetWeightVaultExt, EngineExtension, TargetWeightFlows {
    using FixedPointMathLib for uint256;

    /// @dev TargetWeightStorage's slot of `targetBps`, and its `_loosens` table: any change of the
    /// eight uint16 targets waits.
    uint256 private constant TARGETS_SLOT = uint256(TARGET_WEIGHT_STORAGE_SLOT);
    uint256 private constant TARGET_FIELDS = 0x320e_320c_320a_3208_3206_3204_3202_3200;
    /// @dev The slot of `bandBps` (sixteen uint16: absolute bands low, relative ones high), and its
    /// `_loosens` table: sixteen bands, 0 = off, narrower is looser.
    uint256 private constant BANDS_SLOT = uint256(TARGET_WEIGHT_STORAGE_SLOT) + 1;
    uint256 private constant BANDS_FIELDS =
        0x421e_421c_421a_4218_4216_4214_4212_4210_420e_420c_420a_4208_4206_4204_4202_4200;

    /// @param init The vault's assets, router and sequencer feed (its immutables).
    /// @param delaySeconds Delay before proposed targets, and any loosening change, can apply, in
    /// [1 hour, 30 days].
    constructor(EngineInit memory init, uint256 delaySeconds) EngineExtension(init, delaySeconds) {
        ConstantsLib.checkBound(
            "targetDelaySeconds",
            delaySeconds,
            ConstantsLib.MIN_TARGET_DELAY_SECONDS,
            ConstantsLib.MAX_TARGET_DELAY_SECONDS
        );
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
        _setBands(weights.absBandBps, weights.relBandBps, false);
    }

    /* ---------------------------------------------------------------- ONLY ADMIN */

    /// @inheritdoc ITargetWeightVaultExt
    function setTargets(uint16[] calldata targetBps) external onlyOwner {
        uint256 old = _sload(TARGETS_SLOT);
        _setTargets(_checkTargets(targetBps));
        _gateWord(_sload(TARGETS_SLOT), old, TARGET_FIELDS);
    }

    /// @inheritdoc ITargetWeightVaultExt
    function setBands(uint16[] calldata absBandBps, uint16[] calldata relBandBps) external onlyOwner {
        _setBands(absBandBps, relBandBps, true);
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
        uint256 bands = _sload(BANDS_SLOT);
        return (_unpack(_sload(TARGETS_SLOT), 0), _unpack(bands, 0), _unpack(bands, REL_BANDS));
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

    /* ---------------------------------------------------------------- CHECKED WRITES */

    /// @dev One entry per asset, summing to 10,000 bps.
    function _checkTargets(uint16[] memory t) private view returns (uint16[] memory) {
        if (t.length != ASSET_COUNT) revert IBallastErrors.InvalidAssetCount(t.length);
        uint256 sum;
        for (uint256 i; i < t.length; ++i) {
            sum += t[i];
        }
        if (sum != BPS) revert IBallastErrors.TargetsDoNotSum(sum);
        return t;
    }

    function _setTargets(uint16[] memory t) private {
        uint16[8] storage targets = _tw().targetBps;
        for (uint256 i; i < t.length; ++i) {
            targets[i] = t[i];
        }
        emit TargetsApplied(t);
    }

    /// @dev Each band 0 (off) or within its bounds, and at least one band per asset. `delayed`: an
    /// admin call, which must have been queued when it narrows a band (not `initialize`).
    function _setBands(uint16[] memory absBps, uint16[] memory relBps, bool delayed) private {
        uint256 n = ASSET_COUNT;
        if (absBps.length != n || relBps.length != n) revert IBallastErrors.InvalidAssetCount(absBps.length);
        TargetWeightStorage storage $ = _tw();
        for (uint256 i; i < n; ++i) {
            if (absBps[i] == 0 && relBps[i] == 0) {
                revert IBallastErrors.OutOfBounds(
                    "band",
                    0,
                    ConstantsLib.MIN_ABS_BAND_BPS,
                    ConstantsLib.MAX_ABS_BAND_BPS
                );
            }
            if (absBps[i] != 0) {
                ConstantsLib.checkBound(
                    "absBandBps",
                    absBps[i],
                    ConstantsLib.MIN_ABS_BAND_BPS,
                    ConstantsLib.MAX_ABS_BAND_BPS
                );
            }
            if (relBps[i] != 0) {
                ConstantsLib.checkBound(
                    "relBandBps",
                    relBps[i],
                    ConstantsLib.MIN_REL_BAND_BPS,
                    ConstantsLib.MAX_REL_BAND_BPS
                );
            }
        }
        uint256 old = _sload(BANDS_SLOT);
        for (uint256 i; i < n; ++i) {
            $.bandBps[i] = absBps[i];
            $.bandBps[i + REL_BANDS] = relBps[i];
        }
        // Narrower is looser: a band switched on, or lowered, makes rebalances come sooner.
        if (delayed) _gateWord(_sload(BANDS_SLOT), old, BANDS_FIELDS);
        emit BandsSet(absBps, relBps);
    }

    /// @dev ASSET_COUNT uint16 entries of a packed storage word, from entry `from` on.
    function _unpack(uint256 word, uint256 from) private view returns (uint16[] memory a) {
        a = new uint16[](ASSET_COUNT);
        for (uint256 i; i < a.length; ++i) {
            // forge-lint: disable-next-line(unsafe-typecast) -- extracts one 16-bit field of the word: truncation is the decoding
            a[i] = uint16(word >> (16 * (from + i)));
        }
    }
}
