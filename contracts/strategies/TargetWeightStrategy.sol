// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {EngineBase, Rounding} from "../core/EngineBase.sol";
import {EngineSettings, EngineState, Mode} from "../interfaces/IRebalanceEngine.sol";
import {ITargetWeightVaultCore} from "../interfaces/ITargetWeightVault.sol";
import {BPS, WAD} from "../libraries/ConstantsLib.sol";
import {InPlaceLib} from "../libraries/InPlaceLib.sol";

/// @notice A target-weight vault's storage (ERC-7201 namespace `ballast.storage.TargetWeight`).
/// @custom:storage-location erc7201:ballast.storage.TargetWeight
struct TargetWeightStorage {
    uint16[8] targetBps;
    uint16[16] bandBps; // absolute bands at [0, 8), relative ones at [8, 16): one slot, one cold read
    string name; // ERC-20 name of the shares
    string symbol;
}

/// @title TargetWeightStrategy
/// @notice The target-weight strategy both halves of the vault share: its storage, the engine's hooks
/// (deviation, bands, where a rebalance lands).
/// @dev Deviation = sum over assets of |weight − target| (WAD). Out of band when any asset's
/// |weight − target| exceeds its band. ToTarget: every asset to its target. ToBandEdge: each non-quote
/// asset outside its band to `(1 − hysteresis) · band` from target on its side, others untouched; if
/// that would leave the quote asset outside its own band, everything to target.
/// Every per-asset loop runs below the valuation's length, which all its arrays share, so they read
/// them with InPlaceLib's unchecked accessors.
abstract contract TargetWeightStrategy is EngineBase {
    using FixedPointMathLib for uint256;
    using InPlaceLib for uint256[];
    using InPlaceLib for int256[];

    /// @dev keccak256(abi.encode(uint256(keccak256("ballast.storage.TargetWeight")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant TARGET_WEIGHT_STORAGE_SLOT =
        0x3daaf4fa8d44b038cc317f837a5a5847601f6e6182c3bcb5dbeb6ae33b147600;
    /// @dev Where the relative bands start in `bandBps`.
    uint256 internal constant REL_BANDS = 8;

    /* ---------------------------------------------------------------- STRATEGY HOOKS */

    /// @dev Manipulation: every input is an oracle price, a balance or a stored target; the caller
    /// cannot move any of them within the call except by donating, which only moves NAV its own way.
    function _targetDeltas(
        Valuation memory v,
        EngineSettings memory s
    ) internal view override returns (int256[] memory deltas, uint256 deviationWad, bool outOfBand) {
        (uint256 targets, uint256 bands) = _packedTargetsAndBands();
        (deviationWad, outOfBand) = _scan(v, targets, bands);
        deltas = new int256[](v.values.length);
        if (s.mode == Mode.ToBandEdge) {
            if (!outOfBand) return (deltas, deviationWad, false);
            if (_toBandEdge(v, s, targets, bands, deltas)) return (deltas, deviationWad, true);
        }
        for (uint256 i = 1; i < deltas.length; ++i) {
            // forge-lint: disable-next-line(unsafe-typecast) -- values and NAV are quote WAD below 1e30 (TargetWeightFlows' domain note): they fit int256
            deltas.putInt(i, int256((_bpsAt(targets, i) * v.nav) / BPS) - int256(v.values.at(i)));
        }
    }

    /// @dev No lending leg: the wallet's valuation is the vault's.
    // solhint-disable-next-line no-empty-blocks
    function _addLending(Valuation memory, Rounding) internal pure override {}

    /// @dev Buys are paid with the quote held.
    function _quoteBudgetWad(Valuation memory v) internal pure override returns (uint256) {
        return v.values[0];
    }

    /// @dev The summed |weight − target| of `_scan`, without the bands. Keeps the weights in
    /// `v.strategyArray` for `_afterRebalance`'s event.
    function _deviation(Valuation memory v) internal view override returns (uint256 deviationWad) {
        (uint256 targets, ) = _packedTargetsAndBands();
        uint256[] memory w = _weights(v);
        v.strategyArray = w;
        for (uint256 i; i < w.length; ++i) {
            deviationWad += w.at(i).dist((_bpsAt(targets, i) * WAD) / BPS);
        }
    }

    /// @dev The weights before (kept by `_scan`) and after (kept by `_deviation`, which the
    /// post-condition ran on `afterwards`). A cache kept valid by that order, not by a check here (a
    /// fallback cost 132 gas a rebalance): the integration tests hold both arrays to weights they
    /// compute from balances and feed prices, so a change to the order fails them.
    function _afterRebalance(Valuation memory before, Valuation memory afterwards) internal override {
        emit ITargetWeightVaultCore.WeightsRebalanced(before.strategyArray, afterwards.strategyArray);
    }

    /* ---------------------------------------------------------------- MATH */

    /// @dev Per asset: |weight - target| against its band. Returns the summed deviation (WAD) and
    /// whether any asset is out of its band; keeps the weights in `v.strategyArray`.
    function _scan(
        Valuation memory v,
        uint256 targets,
        uint256 bands
    ) private pure returns (uint256 deviationWad, bool anyOut) {
        uint256[] memory w = _weights(v);
        v.strategyArray = w;
        for (uint256 i; i < w.length; ++i) {
            uint256 targetBps = _bpsAt(targets, i);
            uint256 drift = w.at(i).dist((targetBps * WAD) / BPS);
            deviationWad += drift;
            anyOut = anyOut || drift > _bandWad(bands, i, targetBps);
        }
    }

    /// @dev Fills `deltas` for band-edge mode; false (go to target instead) when the quote asset would
    /// end outside its band, or when the plan would not surely reduce the deviation measure `D` (in
    /// value, `D·V`): each moved asset comes `|Δ_i|` closer to its target (it lands on its own side),
    /// so `D·V` falls by `traded = Σ|Δ_i|` less what the quote, absorbing the counterflow, drifts
    /// further — up to as much when it sits on the same side of its target as the assets it pays
    /// for, and the post-condition would refuse the plan the views call due (SPEC §5). "Surely":
    /// even with every leg filled at its minimum output, a NAV shortfall `L ≤ maxSlippageBps·traded`
    /// that adds `L` to `D·V` and, renormalising the weights, at most `(1 + D)·L` more (`D ≤ 2`).
    function _toBandEdge(
        Valuation memory v,
        EngineSettings memory s,
        uint256 targets,
        uint256 bands,
        int256[] memory deltas
    ) private pure returns (bool) {
        int256 quoteValue = int256(v.values[0]);
        for (uint256 i = 1; i < deltas.length; ++i) {
            uint256 targetBps = _bpsAt(targets, i);
            uint256 target = (targetBps * WAD) / BPS;
            uint256 band = _bandWad(bands, i, targetBps);
            if (v.values[i].mulDiv(WAD, v.nav).dist(target) <= band) continue; // within its band
            uint256 inner = (band * (BPS - s.bandHysteresisBps)) / BPS;
            bool over = v.values[i] * WAD > target * v.nav;
            uint256 landing = over ? target + inner : target - FixedPointMathLib.min(inner, target);
            // forge-lint: disable-next-line(unsafe-typecast) -- values and NAV are quote WAD below 1e30: they fit int256
            deltas[i] = int256(landing.mulDiv(v.nav, WAD)) - int256(v.values[i]);
            quoteValue -= deltas[i];
        }
        uint256 quoteTarget = (_bpsAt(targets, 0) * v.nav) / BPS;
        // forge-lint: disable-next-line(unsafe-typecast) -- a target value is at most NAV (< 1e30 quote WAD): it fits int256
        uint256 quoteDrift = FixedPointMathLib.dist(quoteValue, int256(quoteTarget));
        // The quote's own flow is at most `traded`; requiring `D·V` to fall by 4·maxSlippageBps of it,
        // on top of `traded − flow`, covers the shortfall on all of `traded` (4·maxSlippageBps < 1).
        uint256 flow = FixedPointMathLib.abs(quoteValue - int256(v.values[0]));
        return
            quoteDrift.mulDiv(WAD, v.nav) <= _bandWad(bands, 0, _bpsAt(targets, 0)) &&
            quoteDrift < v.values[0].dist(quoteTarget) + (flow * (BPS - 4 * uint256(s.maxSlippageBps))) / BPS;
    }

    /// @dev Weights (WAD of NAV), rounded down.
    function _weights(Valuation memory v) internal pure returns (uint256[] memory w) {
        uint256[] memory values = v.values;
        w = new uint256[](values.length);
        for (uint256 i; i < values.length; ++i) {
            w.put(i, values.at(i).mulDiv(WAD, v.nav));
        }
    }

    /// @dev The tighter of asset `i`'s absolute and relative band, in WAD of NAV; a band set to 0 is
    /// off. `bands` is the packed `bandBps` slot.
    function _bandWad(uint256 bands, uint256 i, uint256 targetBps) private pure returns (uint256) {
        uint256 absBps = _bpsAt(bands, i);
        uint256 relBps = _bpsAt(bands, i + REL_BANDS);
        uint256 absWad = (absBps * WAD) / BPS;
        uint256 relWad = (relBps * targetBps * WAD) / (BPS * BPS);
        if (relBps == 0) return absWad;
        if (absBps == 0) return relWad;
        return FixedPointMathLib.min(absWad, relWad);
    }

    /// @dev The `targetBps` and `bandBps` slots as they lie: two reads for every asset's target and
    /// bands, instead of one read per element.
    function _packedTargetsAndBands() internal view returns (uint256 targets, uint256 bands) {
        TargetWeightStorage storage $ = _tw();
        uint16[8] storage t = $.targetBps;
        uint16[16] storage b = $.bandBps;
        assembly ("memory-safe") {
            targets := sload(t.slot)
            bands := sload(b.slot)
        }
    }

    /// @dev Element `i` of a packed `uint16[]` slot (element 0 in the lowest-order bits, as Solidity
    /// packs a static array of uint16).
    function _bpsAt(uint256 packed, uint256 i) internal pure returns (uint256) {
        return (packed >> (i << 4)) & 0xffff;
    }

    /// @dev Virtual-share offset against the donation (inflation) attack: shares get at least 18
    /// decimals (6 more than the quote asset's when it has 12 or more).
    function _decimalsOffset(uint8 quoteDecimals) internal pure returns (uint8) {
        return quoteDecimals < 12 ? 18 - quoteDecimals : 6;
    }

    /// @dev Deposits and mints are open: the vault is active and not paused.
    function _depositsOpen() internal view returns (bool) {
        EngineState storage state = _engine().state;
        return state.active && !state.paused;
    }

    function _tw() internal pure returns (TargetWeightStorage storage $) {
        assembly ("memory-safe") {
            $.slot := TARGET_WEIGHT_STORAGE_SLOT
        }
    }
}
