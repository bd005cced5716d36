// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {EngineInit, IAggregatorDecimals, RebalanceEngine} from "../core/RebalanceEngine.sol";
import {
    HedgeInit,
    HedgeStatus,
    IDeltaHedgeVault,
    VolatilitySettings
} from "../interfaces/IDeltaHedgeVault.sol";
import {IOptionBook} from "../interfaces/IOptionBook.sol";
import {EngineSettings, Mode, Reason, RebalanceStatus} from "../interfaces/IRebalanceEngine.sol";
import {BlackScholesLib} from "../libraries/BlackScholesLib.sol";
import {ConstantsLib} from "../libraries/ConstantsLib.sol";
import {ErrorsLib} from "../libraries/ErrorsLib.sol";
import {OptionLegLib} from "../libraries/OptionLegLib.sol";
import {ChainlinkOracleLib} from "../oracles/ChainlinkOracleLib.sol";
import {BookGreeks, BookGreeksLib} from "../strategies/BookGreeksLib.sol";
import {BandConfig, BandPolicy, HedgeBandLib} from "../strategies/HedgeBandLib.sol";

/// @title DeltaHedgeVault
/// @notice Keeps an options book plus the underlying it holds at a target net delta; see
/// IDeltaHedgeVault and SPEC.md. Asset 0 is the quote asset, asset 1 the underlying.
contract DeltaHedgeVault is IDeltaHedgeVault, RebalanceEngine {
    using SafeTransferLib for address;
    using FixedPointMathLib for uint256;

    /// @dev Everything `_targetDeltas`, `_deviation` and `hedgeStatus` derive from the book.
    struct Hedge {
        Reason reason; // Due, VolatilityUnhealthy or BookUnreadable
        uint256 spotWad;
        uint256 sigmaWad;
        uint256 underlyingWad;
        BookGreeks greeks;
        int256 offWad; // net delta − target
        uint256 halfWidthWad;
    }

    /* ---------------------------------------------------------------- STORAGE */

    address internal _book;
    VolatilitySettings internal _volatility;
    uint8 internal _volFeedDecimals;
    int256 internal _rateWad;
    int256 internal _targetDeltaWad;
    BandConfig internal _band;

    /* ---------------------------------------------------------------- CONSTRUCTOR */

    constructor(EngineInit memory init, HedgeInit memory h) RebalanceEngine(init) {
        if (init.assets.length != 2) revert ErrorsLib.InvalidAssetCount(init.assets.length);
        _setBook(h.book);
        _setVolatility(h.volatility);
        _setRate(h.rateWad);
        _setTargetDelta(h.targetDeltaWad);
        _setBand(h.band);
    }

    /* ---------------------------------------------------------------- ONLY OWNER */

    /// @inheritdoc IDeltaHedgeVault
    function fund(uint256 asset, uint256 amount) external onlyOwner nonReentrant {
        address token = _token(asset);
        token.safeTransferFrom(msg.sender, address(this), amount);
        emit Funded(asset, amount);
    }

    /// @inheritdoc IDeltaHedgeVault
    function withdraw(uint256 asset, uint256 amount, address to) external onlyOwner nonReentrant {
        if (to == address(0)) revert ErrorsLib.ZeroAddress();
        _token(asset).safeTransfer(to, amount);
        emit Withdrawn(asset, amount, to);
    }

    function setBook(address book_) external onlyOwner {
        _setBook(book_);
    }

    function setVolatility(VolatilitySettings calldata settings) external onlyOwner {
        _setVolatility(settings);
    }

    function setRate(int256 rateWad_) external onlyOwner {
        _setRate(rateWad_);
    }

    function setTargetDelta(int256 targetDeltaWad_) external onlyOwner {
        _setTargetDelta(targetDeltaWad_);
    }

    function setBand(BandConfig calldata band_) external onlyOwner {
        _setBand(band_);
    }

    /* ---------------------------------------------------------------- VIEWS */

    function book() external view returns (address) {
        return _book;
    }

    function volatility() external view returns (VolatilitySettings memory) {
        return _volatility;
    }

    function rateWad() external view returns (int256) {
        return _rateWad;
    }

    function targetDeltaWad() external view returns (int256) {
        return _targetDeltaWad;
    }

    function band() external view returns (BandConfig memory) {
        return _band;
    }

    /// @inheritdoc IDeltaHedgeVault
    function hedgeStatus() external view returns (HedgeStatus memory out) {
        (RebalanceStatus memory st, Valuation memory v, ) = _assess();
        out.reason = st.reason;
        out.targetDeltaWad = _targetDeltaWad;
        // The engine stopped before valuing (inactive, paused, sequencer or oracle): nothing to show.
        if (v.prices.length < 2 || v.prices[1] == 0) return out;
        Hedge memory h = _hedge(v);
        out.sigmaWad = h.sigmaWad;
        out.underlyingWad = h.underlyingWad;
        if (h.reason != Reason.Due) return out;
        out.bookDeltaWad = h.greeks.deltaWad;
        out.bookGammaE36 = h.greeks.gammaE36;
        out.liveLegs = h.greeks.liveLegs;
        out.netDeltaWad = h.offWad + _targetDeltaWad;
        out.halfWidthWad = h.halfWidthWad;
        out.clipped = h.offWad > 0 && uint256(h.offWad) > h.underlyingWad + h.halfWidthWad;
    }

    /* ---------------------------------------------------------------- STRATEGY HOOKS */

    /// @dev Deviation = |net delta − target| in underlying units (WAD); out of band when it exceeds the
    /// band's half-width. ToTarget trades the whole deviation; ToBandEdge trades to
    /// `(1 − hysteresis)·H` from target on the same side. A sell never exceeds the underlying held.
    /// Manipulation: every input is the oracle spot, the vault's σ (feed with staleness and bounds, or
    /// the admin's value) and the book, which the caller cannot move within the call.
    function _targetDeltas(
        Valuation memory v,
        EngineSettings memory s
    ) internal view override returns (int256[] memory deltas, uint256 deviationWad, bool outOfBand) {
        deltas = new int256[](2);
        Hedge memory h = _hedge(v);
        if (h.reason != Reason.Due) {
            v.strategyReason = h.reason;
            return (deltas, 0, false);
        }
        // The post-condition's deviation is |underlying after + (book delta − target)|.
        v.strategyWad = h.greeks.deltaWad - _targetDeltaWad;
        deviationWad = FixedPointMathLib.abs(h.offWad);
        outOfBand = deviationWad > h.halfWidthWad;
        int256 change = -h.offWad; // underlying to buy (+) or sell (−)
        if (s.mode == Mode.ToBandEdge) {
            if (!outOfBand) return (deltas, deviationWad, false);
            int256 inner = int256(
                (h.halfWidthWad * (ConstantsLib.BPS - s.bandHysteresisBps)) / ConstantsLib.BPS
            );
            change = h.offWad > 0 ? inner - h.offWad : -inner - h.offWad;
        }
        if (change < 0 && uint256(-change) > h.underlyingWad) change = -int256(h.underlyingWad);
        // Value in quote WAD at the oracle spot; the engine turns it into a leg with an oracle-bounded minimum.
        deltas[1] = (change * int256(h.spotWad)) / int256(ConstantsLib.WAD);
    }

    function _deviation(Valuation memory v) internal view override returns (uint256) {
        return FixedPointMathLib.abs(int256(_underlyingWad(v)) + v.strategyWad);
    }

    function _afterRebalance(Valuation memory, Valuation memory afterwards) internal override {
        uint256 held = _underlyingWad(afterwards);
        int256 off = int256(held) + afterwards.strategyWad;
        emit Hedged(afterwards.strategyWad + _targetDeltaWad, off + _targetDeltaWad, held);
        if (held == 0 && off > 0) emit HedgeClipped(off);
    }

    /* ---------------------------------------------------------------- INTERNAL */

    /// @dev Reads σ and the book and values the hedge at the valuation's oracle spot.
    function _hedge(Valuation memory v) internal view returns (Hedge memory h) {
        h.spotWad = v.prices[1];
        h.underlyingWad = _underlyingWad(v);
        // A spot the Greeks cannot take (outside [1e-4, 1e12]) is treated as an unusable price.
        if (h.spotWad < BlackScholesLib.MIN_PRICE_WAD || h.spotWad > BlackScholesLib.MAX_PRICE_WAD) {
            h.reason = Reason.OracleInvalidAnswer;
            return h;
        }
        (h.reason, h.sigmaWad) = _sigma();
        if (h.reason != Reason.Due) return h;
        (bool ok, bytes memory packed) = _readBook();
        if (!ok) {
            h.reason = Reason.BookUnreadable;
            return h;
        }
        bool valid;
        (valid, h.greeks) = BookGreeksLib.aggregate(packed, h.spotWad, h.sigmaWad, _rateWad, block.timestamp);
        if (!valid) {
            h.reason = Reason.BookUnreadable;
            return h;
        }
        h.offWad = int256(h.underlyingWad) + h.greeks.deltaWad - _targetDeltaWad;
        h.halfWidthWad = HedgeBandLib.halfWidthWad(_band, h.greeks, h.spotWad);
    }

    /// @dev σ from the feed (staleness and answer checked like a price) or the admin value, then
    /// bounds-checked: a feed that reports an absurd σ stops hedging instead of steering it.
    function _sigma() internal view returns (Reason, uint256 sigmaWad) {
        VolatilitySettings memory vol = _volatility;
        sigmaWad = vol.sigmaWad;
        if (vol.feed != address(0)) {
            Reason r;
            (r, sigmaWad) = ChainlinkOracleLib.priceWad(vol.feed, _volFeedDecimals, vol.maxStalenessSeconds);
            if (r != Reason.Due) return (Reason.VolatilityUnhealthy, 0);
        }
        if (sigmaWad < vol.minSigmaWad || sigmaWad > vol.maxSigmaWad)
            return (Reason.VolatilityUnhealthy, sigmaWad);
        return (Reason.Due, sigmaWad);
    }

    /// @dev One STATICCALL with a gas cap: the book cannot change state, and a book that burns gas,
    /// reverts, returns a malformed list or more than MAX_LEGS legs is refused rather than trusted.
    function _readBook() internal view returns (bool ok, bytes memory packed) {
        bytes memory ret;
        (ok, ret) = _book.staticcall{gas: BOOK_READ_GAS}(abi.encodeCall(IOptionBook.packedLegs, ()));
        if (!ok || ret.length < 64) return (false, packed);
        uint256 offset;
        uint256 length;
        assembly ("memory-safe") {
            offset := mload(add(ret, 0x20))
            length := mload(add(ret, 0x40))
        }
        if (
            offset != 0x20 ||
            length % OptionLegLib.LEG_BYTES != 0 ||
            length > OptionLegLib.MAX_LEGS * OptionLegLib.LEG_BYTES ||
            ret.length < 64 + length
        ) return (false, packed);
        assembly ("memory-safe") {
            packed := add(ret, 0x40) // the bytes value in place: its length word, then its data
        }
        return (true, packed);
    }

    /// @dev Gas a book read may use: enough for an SSTORE2 book of MAX_LEGS legs (≈ 20k) with margin.
    uint256 internal constant BOOK_READ_GAS = 200_000;

    function _underlyingWad(Valuation memory v) internal view returns (uint256) {
        uint256 bal = SafeTransferLib.balanceOf(v.cfg[1].token, address(this));
        return bal.mulDiv(ConstantsLib.WAD, 10 ** v.cfg[1].decimals);
    }

    function _token(uint256 asset) internal view returns (address) {
        if (asset > 1) revert ErrorsLib.InvalidAsset(asset, address(0));
        return _assetConfigs()[asset].token;
    }

    function _setBook(address book_) internal {
        if (book_ == address(0)) revert ErrorsLib.ZeroAddress();
        _book = book_;
        emit BookSet(book_);
    }

    function _setVolatility(VolatilitySettings memory vol) internal {
        _checkBound("minSigmaWad", vol.minSigmaWad, BlackScholesLib.MIN_SIGMA_WAD, vol.maxSigmaWad);
        _checkBound("maxSigmaWad", vol.maxSigmaWad, vol.minSigmaWad, BlackScholesLib.MAX_SIGMA_WAD);
        if (vol.feed == address(0)) {
            _checkBound("sigmaWad", vol.sigmaWad, vol.minSigmaWad, vol.maxSigmaWad);
        } else {
            _checkBound(
                "volStalenessSeconds",
                vol.maxStalenessSeconds,
                ConstantsLib.MIN_STALENESS_SECONDS,
                ConstantsLib.MAX_STALENESS_SECONDS
            );
            uint8 decimals = IAggregatorDecimals(vol.feed).decimals();
            _checkBound("volFeedDecimals", decimals, 0, ConstantsLib.MAX_DECIMALS);
            _volFeedDecimals = decimals;
        }
        _volatility = vol;
        emit VolatilitySet(vol);
    }

    function _setRate(int256 rateWad_) internal {
        _checkBound("rateWad", FixedPointMathLib.abs(rateWad_), 0, uint256(BlackScholesLib.MAX_ABS_RATE_WAD));
        _rateWad = rateWad_;
        emit RateSet(rateWad_);
    }

    function _setTargetDelta(int256 targetDeltaWad_) internal {
        _checkBound(
            "targetDeltaWad",
            FixedPointMathLib.abs(targetDeltaWad_),
            0,
            ConstantsLib.MAX_HEDGE_DELTA_WAD
        );
        _targetDeltaWad = targetDeltaWad_;
        emit TargetDeltaSet(targetDeltaWad_);
    }

    function _setBand(BandConfig memory b) internal {
        _checkBound(
            "maxHalfWidthWad",
            b.maxHalfWidthWad,
            b.minHalfWidthWad,
            ConstantsLib.MAX_HEDGE_DELTA_WAD
        );
        if (b.policy == BandPolicy.Absolute) {
            _checkBound("absoluteWad", b.absoluteWad, 1, ConstantsLib.MAX_HEDGE_DELTA_WAD);
        } else if (b.policy == BandPolicy.RelativeToGross) {
            _checkBound("relativeBps", b.relativeBps, 1, ConstantsLib.MAX_HEDGE_RELATIVE_BAND_BPS);
        } else {
            _checkBound("costBps", b.costBps, 1, ConstantsLib.MAX_HEDGE_COST_BPS);
            _checkBound("riskAversionWad", b.riskAversionWad, 1, type(uint128).max);
        }
        _band = b;
        emit BandSet(b);
    }
}
