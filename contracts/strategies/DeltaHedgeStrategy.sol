// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {EngineBase, Rounding} from "../core/EngineBase.sol";
import {
    BandConfig,
    HedgeStatus,
    IDeltaHedgeVaultCore,
    VolatilitySettings
} from "../interfaces/IDeltaHedgeVault.sol";
import {IOptionBook} from "../interfaces/IOptionBook.sol";
import {
    EngineSettings,
    HEALTHY,
    Mode,
    Policy,
    Reason,
    RebalanceStatus
} from "../interfaces/IRebalanceEngine.sol";
import {BlackScholesLib} from "../libraries/BlackScholesLib.sol";
import {BPS, WAD} from "../libraries/ConstantsLib.sol";
import {OptionLegLib} from "../libraries/OptionLegLib.sol";
import {ChainlinkOracleLib} from "../oracles/ChainlinkOracleLib.sol";
import {BookGreeks, BookGreeksLib} from "./BookGreeksLib.sol";
import {HedgeBandLib} from "./HedgeBandLib.sol";

/// @notice A delta-hedged vault's storage (ERC-7201 namespace `ballast.storage.DeltaHedge`).
/// @custom:storage-location erc7201:ballast.storage.DeltaHedge
struct DeltaHedgeStorage {
    address book;
    uint8 volFeedDecimals; // shares the book's slot: `_hedge` reads all four
    uint32 expiryUnwindSeconds; // BookLimits, unpacked into the book's slot
    uint32 bookCooldownSeconds;
    VolatilitySettings volatility;
    int256 rateWad;
    int256 targetDeltaWad;
    BandConfig band;
    bytes27 bookHash; // the live legs' fingerprint at the last rebalance that followed a book change
    uint40 bookRebalancedAt; // and when it ran
    uint16 maxLtvBps; // a vault with a lending market: no short leaves debt above this share of collateral
}

/// @title DeltaHedgeStrategy
/// @notice The delta-hedging strategy both halves of the vault share: its storage, the engine's hooks
/// and the hedge computed from σ, r and the book at the oracle spot.
/// @dev Deviation = |net delta − target| in underlying units (WAD); out of band when it exceeds the
/// band's half-width. ToTarget trades the whole deviation; ToBandEdge trades to `(1 − hysteresis)·H`
/// from target on the same side. Without a lending market a sell never exceeds the underlying held
/// (`_limitChange`); `DeltaHedgeLendingStrategy` lets it borrow and sell more, down to a short.
abstract contract DeltaHedgeStrategy is EngineBase {
    using FixedPointMathLib for uint256;

    /// @dev Everything `_targetDeltas`, `_deviation` and `hedgeStatus` derive from the book.
    struct Hedge {
        Reason reason; // HEALTHY, OracleInvalidAnswer (spot outside the Greeks' domain), VolatilityUnhealthy or BookUnreadable
        uint256 spotWad;
        uint256 sigmaWad;
        int256 underlyingWad; // held, less what the vault owes on a lending market
        BookGreeks greeks;
        int256 offWad; // net delta − target
        uint256 halfWidthWad;
        bytes32 bookHash; // keccak256 of the live legs (a suffix: the book is ordered by expiry)
    }

    /// @dev keccak256(abi.encode(uint256(keccak256("ballast.storage.DeltaHedge")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant DELTA_HEDGE_STORAGE_SLOT =
        0x63c5db77f148f46a38f7568fb61693d99be5972db9e9d590d73276f509b3b900;

    /// @dev Gas a book read may use: enough for an SSTORE2 book of MAX_LEGS legs (≈ 20k) with margin.
    uint256 internal constant BOOK_READ_GAS = 200_000;

    /* ---------------------------------------------------------------- STRATEGY HOOKS */

    /// @dev Manipulation: every input is the oracle spot, the vault's σ (feed with staleness and
    /// bounds, or the admin's value) and the book, which the caller cannot move within the call.
    function _targetDeltas(
        Valuation memory v,
        EngineSettings memory s
    ) internal view override returns (int256[] memory deltas, uint256 deviationWad, bool outOfBand) {
        deltas = new int256[](2);
        Hedge memory h = _hedge(v);
        if (h.reason != HEALTHY) {
            v.strategyReason = h.reason;
            return (deltas, 0, false);
        }
        DeltaHedgeStorage storage $ = _dh();
        // The post-condition's deviation is |underlying after + (book delta − target)|.
        v.strategyWad = h.greeks.deltaWad - $.targetDeltaWad;
        v.strategyTag = h.bookHash;
        deviationWad = FixedPointMathLib.abs(h.offWad);
        outOfBand = deviationWad > h.halfWidthWad;
        // Book churn: a rebalance that follows a change of the book waits bookCooldownSeconds after
        // the last one that did, so a book manager cannot turn the inventory over on every call.
        if (bytes27(h.bookHash) != $.bookHash && (outOfBand || s.policy != Policy.Threshold)) {
            uint256 readyAt = uint256($.bookRebalancedAt) + $.bookCooldownSeconds;
            // forge-lint: disable-next-line(block-timestamp) -- the book cooldown is a time rule by design; a builder's seconds of drift move it by those seconds
            if (block.timestamp < readyAt) {
                v.strategyReason = Reason.BookChangeCooldown;
                // forge-lint: disable-next-line(unsafe-typecast) -- a timestamp (< 2^41) fits int256
                v.strategyWad = int256(readyAt);
                return (deltas, deviationWad, outOfBand);
            }
        }
        int256 change = -h.offWad; // underlying to buy (+) or sell (−)
        if (s.mode == Mode.ToBandEdge) {
            if (!outOfBand) return (deltas, deviationWad, false);
            // forge-lint: disable-next-line(unsafe-typecast) -- halfWidthWad <= maxHalfWidthWad (uint128) fits int256
            int256 inner = int256((h.halfWidthWad * (BPS - s.bandHysteresisBps)) / BPS);
            change = h.offWad > 0 ? inner - h.offWad : -inner - h.offWad;
        }
        // A refusal `_limitChange` records in `v.strategyReason` stops the predicate in `_assess`.
        change = _limitChange(v, h, change);
        // Value in quote WAD at the oracle spot; the engine turns it into a leg with an oracle-bounded minimum.
        // forge-lint: disable-next-line(unsafe-typecast) -- spotWad <= MAX_PRICE_WAD (1e36) fits int256
        deltas[1] = (change * int256(h.spotWad)) / int256(WAD);
    }

    /// @dev No lending leg: the wallet's valuation is the vault's.
    // solhint-disable-next-line no-empty-blocks
    function _addLending(Valuation memory, Rounding) internal view virtual override {}

    /// @dev Buys are paid with the quote held.
    function _quoteBudgetWad(Valuation memory v) internal view virtual override returns (uint256) {
        return v.values[0];
    }

    /// @dev Without a lending market a sell stops at the underlying held (underlying WAD, signed:
    /// + buy, − sell). A vault with one borrows beyond it, within its bounds.
    function _limitChange(
        Valuation memory,
        Hedge memory h,
        int256 change
    ) internal view virtual returns (int256) {
        return change < 0 && -change > h.underlyingWad ? -h.underlyingWad : change;
    }

    /// @dev How much more underlying (WAD) the vault could sell from valuation `v`, whose net
    /// underlying is `net`, by its own bounds: what it holds, plus (with a lending market) what it
    /// could borrow within its LTV cap. Decides `HedgeClipped` and `hedgeStatus().clipped`.
    function _sellRoomWad(Valuation memory, int256 net) internal view virtual returns (uint256) {
        // forge-lint: disable-next-line(unsafe-typecast) -- net > 0 here
        return net > 0 ? uint256(net) : 0;
    }

    function _deviation(Valuation memory v) internal view override returns (uint256) {
        return FixedPointMathLib.abs(_netUnderlyingWad(v) + v.strategyWad);
    }

    function _afterRebalance(Valuation memory before, Valuation memory afterwards) internal virtual override {
        DeltaHedgeStorage storage $ = _dh();
        if (bytes27(before.strategyTag) != $.bookHash) {
            ($.bookHash, $.bookRebalancedAt) = (bytes27(before.strategyTag), uint40(block.timestamp));
        }
        int256 target = $.targetDeltaWad;
        int256 net = _netUnderlyingWad(afterwards);
        int256 off = net + afterwards.strategyWad;
        emit IDeltaHedgeVaultCore.Hedged(afterwards.strategyWad + target, off + target, net);
        // forge-lint: disable-next-line(unsafe-typecast) -- off > 0 here
        if (off > 0 && uint256(off) > _sellRoomWad(afterwards, net))
            emit IDeltaHedgeVaultCore.HedgeClipped(off);
    }

    /// @dev `hedgeStatus()`, shared by the cores: values the book twice (once inside the predicate,
    /// once for its own fields); a view only.
    function _hedgeStatus() internal view returns (HedgeStatus memory out) {
        (RebalanceStatus memory st, Valuation memory v, ) = _assess(false);
        out.reason = st.reason;
        out.targetDeltaWad = _dh().targetDeltaWad;
        // The engine stopped before valuing (inactive, paused, sequencer or oracle): nothing to show.
        if (v.prices.length < 2 || v.prices[1] == 0) return out;
        Hedge memory h = _hedge(v);
        out.sigmaWad = h.sigmaWad;
        out.underlyingWad = h.underlyingWad;
        if (h.reason != HEALTHY) return out;
        out.bookDeltaWad = h.greeks.deltaWad;
        out.bookGammaE36 = h.greeks.gammaE36;
        out.liveLegs = h.greeks.liveLegs;
        out.netDeltaWad = h.offWad + out.targetDeltaWad;
        out.halfWidthWad = h.halfWidthWad;
        // forge-lint: disable-next-line(unsafe-typecast) -- offWad > 0 here
        out.clipped = h.offWad > 0 && uint256(h.offWad) > _sellRoomWad(v, h.underlyingWad) + h.halfWidthWad;
    }

    /* ---------------------------------------------------------------- THE HEDGE */

    /// @dev Reads σ and the book and values the hedge at the valuation's oracle spot.
    function _hedge(Valuation memory v) internal view returns (Hedge memory h) {
        DeltaHedgeStorage storage $ = _dh();
        h.spotWad = v.prices[1];
        h.underlyingWad = _netUnderlyingWad(v);
        // A spot the Greeks cannot take (outside [1e-4, 1e12]) is treated as an unusable price.
        if (h.spotWad < BlackScholesLib.MIN_PRICE_WAD || h.spotWad > BlackScholesLib.MAX_PRICE_WAD) {
            h.reason = Reason.OracleInvalidAnswer;
            return h;
        }
        (h.reason, h.sigmaWad) = _sigma();
        if (h.reason != HEALTHY) return h;
        (bool ok, bytes memory packed) = _readBook();
        if (!ok) {
            h.reason = Reason.BookUnreadable;
            return h;
        }
        bool valid;
        (valid, h.greeks) = BookGreeksLib.aggregate(
            packed,
            h.spotWad,
            h.sigmaWad,
            $.rateWad,
            block.timestamp,
            $.expiryUnwindSeconds
        );
        if (!valid) {
            h.reason = Reason.BookUnreadable;
            return h;
        }
        uint256 liveBytes = h.greeks.liveLegs * OptionLegLib.LEG_BYTES;
        bytes32 bookHash;
        assembly ("memory-safe") {
            bookHash := keccak256(add(add(packed, 0x20), sub(mload(packed), liveBytes)), liveBytes)
        }
        h.bookHash = bookHash;
        h.offWad = h.underlyingWad + h.greeks.deltaWad - $.targetDeltaWad;
        h.halfWidthWad = HedgeBandLib.halfWidthWad($.band, h.greeks, h.spotWad);
    }

    /// @dev σ from the feed (staleness and answer checked like a price) or the admin value, then
    /// bounds-checked: a feed that reports an absurd σ stops hedging instead of steering it.
    function _sigma() internal view returns (Reason, uint256 sigmaWad) {
        DeltaHedgeStorage storage $ = _dh();
        VolatilitySettings memory vol = $.volatility;
        sigmaWad = vol.sigmaWad;
        if (vol.feed != address(0)) {
            Reason r;
            (r, sigmaWad) = ChainlinkOracleLib.priceWad(vol.feed, $.volFeedDecimals, vol.maxStalenessSeconds);
            if (r != HEALTHY) return (Reason.VolatilityUnhealthy, 0);
        }
        if (sigmaWad < vol.minSigmaWad || sigmaWad > vol.maxSigmaWad)
            return (Reason.VolatilityUnhealthy, sigmaWad);
        return (HEALTHY, sigmaWad);
    }

    /// @dev One STATICCALL with a gas cap: the book cannot change state, and a book that burns gas,
    /// reverts, returns a malformed list or more than MAX_LEGS legs is refused rather than trusted.
    function _readBook() internal view returns (bool ok, bytes memory packed) {
        bytes memory ret;
        (ok, ret) = _dh().book.staticcall{gas: BOOK_READ_GAS}(abi.encodeCall(IOptionBook.packedLegs, ()));
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

    /// @dev The underlying the vault holds (WAD), less (with a lending market) what it owes.
    function _netUnderlyingWad(Valuation memory v) internal view virtual returns (int256) {
        uint256 bal = SafeTransferLib.balanceOf(v.cfg[1].token, address(this));
        // forge-lint: disable-next-line(unsafe-typecast) -- a token balance in WAD (< 2^128 for any real token) fits int256
        return int256(bal.mulDiv(WAD, _unitOf(v, 1)));
    }

    function _dh() internal pure returns (DeltaHedgeStorage storage $) {
        assembly ("memory-safe") {
            $.slot := DELTA_HEDGE_STORAGE_SLOT
        }
    }
}
