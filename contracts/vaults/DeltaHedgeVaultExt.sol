// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {EngineExtension} from "../core/EngineExtension.sol";
import {IBallastErrors} from "../interfaces/IBallastErrors.sol";
import {
    BandConfig,
    BandPolicy,
    BookLimits,
    HedgeInit,
    IDeltaHedgeVaultExt,
    VolatilitySettings
} from "../interfaces/IDeltaHedgeVault.sol";
import {EngineInit, EngineParams, IRebalanceEngineExt, VaultKind} from "../interfaces/IRebalanceEngine.sol";
import {IAggregatorDecimals} from "../interfaces/external/IChainlink.sol";
import {BlackScholesLib} from "../libraries/BlackScholesLib.sol";
import {ConstantsLib} from "../libraries/ConstantsLib.sol";
import {DeltaHedgeStorage, DeltaHedgeStrategy} from "../strategies/DeltaHedgeStrategy.sol";

/// @title DeltaHedgeVaultExt
/// @notice The cold half of a `DeltaHedgeVault`: the engine's admin and views, plus owner funding and
/// withdrawal, the book, σ, r, target delta and band. (`hedgeStatus()` is in the core, next to the
/// Greeks code it needs.) Reached only through the
/// vault's `fallback` (DELEGATECALL); deploy one per vault, before the vault.
contract DeltaHedgeVaultExt is IDeltaHedgeVaultExt, EngineExtension, DeltaHedgeStrategy {
    using SafeTransferLib for address;

    /// @param init The vault's two assets (quote, underlying), router and sequencer feed.
    /// @dev No change delay: the vault's only holder is its owner, who can take its funds out at once.
    constructor(EngineInit memory init) EngineExtension(init, 0) {
        if (init.assets.length != 2) revert IBallastErrors.InvalidAssetCount(init.assets.length);
    }

    /* ---------------------------------------------------------------- CONSTRUCTION */

    /// @inheritdoc IDeltaHedgeVaultExt
    function initialize(EngineParams calldata params, HedgeInit calldata hedge) external onlyInitializing {
        _initializeHedge(params, hedge);
    }

    /* ---------------------------------------------------------------- ONLY OWNER */

    /// @inheritdoc IDeltaHedgeVaultExt
    function fund(uint256 asset, uint256 amount) external onlyOwner nonReentrant {
        _token(asset).safeTransferFrom(msg.sender, address(this), amount);
        emit Funded(asset, amount);
    }

    /// @inheritdoc IDeltaHedgeVaultExt
    function withdrawFunds(uint256 asset, uint256 amount, address to) external onlyOwner nonReentrant {
        if (to == address(0)) revert IBallastErrors.ZeroAddress();
        _token(asset).safeTransfer(to, amount);
        emit FundsWithdrawn(asset, amount, to);
    }

    /// @inheritdoc IDeltaHedgeVaultExt
    function setBook(address book_) external onlyOwner {
        _setBook(book_);
    }

    /// @inheritdoc IDeltaHedgeVaultExt
    function setBookLimits(BookLimits calldata limits) external onlyOwner {
        _setBookLimits(limits);
    }

    /// @inheritdoc IDeltaHedgeVaultExt
    function setVolatility(VolatilitySettings calldata settings) external onlyOwner {
        _setVolatility(settings);
    }

    /// @inheritdoc IDeltaHedgeVaultExt
    function setRate(int256 rateWad_) external onlyOwner {
        _setRate(rateWad_);
    }

    /// @inheritdoc IDeltaHedgeVaultExt
    function setTargetDelta(int256 targetDeltaWad_) external onlyOwner {
        _setTargetDelta(targetDeltaWad_);
    }

    /// @inheritdoc IDeltaHedgeVaultExt
    function setBand(BandConfig calldata band_) external onlyOwner {
        _setBand(band_);
    }

    /* ---------------------------------------------------------------- VIEWS */

    /// @inheritdoc IRebalanceEngineExt
    function vaultKind() external pure returns (VaultKind) {
        return VaultKind.DeltaHedge;
    }

    /// @inheritdoc IDeltaHedgeVaultExt
    function book() external view returns (address) {
        return _dh().book;
    }

    /// @inheritdoc IDeltaHedgeVaultExt
    function bookLimits() external view returns (BookLimits memory) {
        DeltaHedgeStorage storage $ = _dh();
        return BookLimits($.expiryUnwindSeconds, $.bookCooldownSeconds);
    }

    /// @inheritdoc IDeltaHedgeVaultExt
    function bookMark() external view returns (bytes27, uint256) {
        DeltaHedgeStorage storage $ = _dh();
        return ($.bookHash, $.bookRebalancedAt);
    }

    /// @inheritdoc IDeltaHedgeVaultExt
    function volatility() external view returns (VolatilitySettings memory) {
        return _dh().volatility;
    }

    /// @inheritdoc IDeltaHedgeVaultExt
    function rateWad() external view returns (int256) {
        return _dh().rateWad;
    }

    /// @inheritdoc IDeltaHedgeVaultExt
    function targetDeltaWad() external view returns (int256) {
        return _dh().targetDeltaWad;
    }

    /// @inheritdoc IDeltaHedgeVaultExt
    function band() external view returns (BandConfig memory) {
        return _dh().band;
    }

    /* ---------------------------------------------------------------- INTERNAL */

    /// @dev The engine's and the hedge's initial state, every field checked.
    function _initializeHedge(EngineParams calldata params, HedgeInit calldata hedge) internal {
        _initializeEngine(params);
        _setBook(hedge.book);
        _setVolatility(hedge.volatility);
        _setRate(hedge.rateWad);
        _setTargetDelta(hedge.targetDeltaWad);
        _setBand(hedge.band);
        _setBookLimits(hedge.limits);
        // A placeholder no book's fingerprint equals: the first rebalance then overwrites a non-zero
        // slot (2,900 gas) instead of paying 22,100 to create it; the deployer pays that once here.
        _dh().bookHash = bytes27(uint216(1));
    }

    function _token(uint256 asset) private view returns (address) {
        if (asset > 1) revert IBallastErrors.InvalidAsset(asset, address(0));
        return _assetConfigs()[asset].token;
    }

    function _setBook(address book_) private {
        if (book_ == address(0)) revert IBallastErrors.ZeroAddress();
        _dh().book = book_;
        emit BookSet(book_);
    }

    function _setBookLimits(BookLimits memory limits) private {
        ConstantsLib.checkBound(
            "expiryUnwindSeconds",
            limits.expiryUnwindSeconds,
            ConstantsLib.MIN_EXPIRY_UNWIND_SECONDS,
            ConstantsLib.MAX_EXPIRY_UNWIND_SECONDS
        );
        ConstantsLib.checkBound(
            "bookCooldownSeconds",
            limits.bookCooldownSeconds,
            0,
            ConstantsLib.MAX_BOOK_COOLDOWN_SECONDS
        );
        DeltaHedgeStorage storage $ = _dh();
        ($.expiryUnwindSeconds, $.bookCooldownSeconds) = (
            limits.expiryUnwindSeconds,
            limits.bookCooldownSeconds
        );
        emit BookLimitsSet(limits);
    }

    function _setVolatility(VolatilitySettings memory vol) private {
        ConstantsLib.checkBound(
            "minSigmaWad",
            vol.minSigmaWad,
            BlackScholesLib.MIN_SIGMA_WAD,
            vol.maxSigmaWad
        );
        ConstantsLib.checkBound(
            "maxSigmaWad",
            vol.maxSigmaWad,
            vol.minSigmaWad,
            BlackScholesLib.MAX_SIGMA_WAD
        );
        DeltaHedgeStorage storage $ = _dh();
        if (vol.feed == address(0)) {
            ConstantsLib.checkBound("sigmaWad", vol.sigmaWad, vol.minSigmaWad, vol.maxSigmaWad);
        } else {
            ConstantsLib.checkBound(
                "volStalenessSeconds",
                vol.maxStalenessSeconds,
                ConstantsLib.MIN_STALENESS_SECONDS,
                ConstantsLib.MAX_STALENESS_SECONDS
            );
            uint8 decimals = IAggregatorDecimals(vol.feed).decimals();
            ConstantsLib.checkBound("volFeedDecimals", decimals, 0, ConstantsLib.MAX_DECIMALS);
            $.volFeedDecimals = decimals;
        }
        $.volatility = vol;
        emit VolatilitySet(vol);
    }

    function _setRate(int256 rateWad_) private {
        ConstantsLib.checkBound(
            "rateWad",
            FixedPointMathLib.abs(rateWad_),
            0,
            uint256(BlackScholesLib.MAX_ABS_RATE_WAD)
        );
        _dh().rateWad = rateWad_;
        emit RateSet(rateWad_);
    }

    function _setTargetDelta(int256 targetDeltaWad_) private {
        ConstantsLib.checkBound(
            "targetDeltaWad",
            FixedPointMathLib.abs(targetDeltaWad_),
            0,
            ConstantsLib.MAX_HEDGE_DELTA_WAD
        );
        _dh().targetDeltaWad = targetDeltaWad_;
        emit TargetDeltaSet(targetDeltaWad_);
    }

    function _setBand(BandConfig memory b) private {
        ConstantsLib.checkBound(
            "maxHalfWidthWad",
            b.maxHalfWidthWad,
            b.minHalfWidthWad,
            ConstantsLib.MAX_HEDGE_DELTA_WAD
        );
        if (b.policy == BandPolicy.Absolute) {
            ConstantsLib.checkBound("absoluteWad", b.absoluteWad, 1, ConstantsLib.MAX_HEDGE_DELTA_WAD);
        } else if (b.policy == BandPolicy.RelativeToGross) {
            ConstantsLib.checkBound(
                "relativeBps",
                b.relativeBps,
                1,
                ConstantsLib.MAX_HEDGE_RELATIVE_BAND_BPS
            );
        } else {
            ConstantsLib.checkBound("costBps", b.costBps, 1, ConstantsLib.MAX_HEDGE_COST_BPS);
            ConstantsLib.checkBound("riskAversionWad", b.riskAversionWad, 1, type(uint128).max);
        }
        _dh().band = b;
        emit BandSet(b);
    }
}
