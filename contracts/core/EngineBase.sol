// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {ReentrancyGuardTransient} from "solady/src/utils/ReentrancyGuardTransient.sol";
import {SSTORE2} from "solady/src/utils/SSTORE2.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {IBallastErrors} from "../interfaces/IBallastErrors.sol";
import {
    AmountSettings,
    AssetConfig,
    EngineImmutables,
    EngineSettings,
    EngineState,
    HEALTHY,
    Leg,
    Policy,
    Reason,
    RebalanceStatus
} from "../interfaces/IRebalanceEngine.sol";
import {BPS, ConstantsLib, WAD} from "../libraries/ConstantsLib.sol";
import {InPlaceLib} from "../libraries/InPlaceLib.sol";
import {RouteCallLib} from "../libraries/RouteCallLib.sol";
import {ChainlinkOracleLib} from "../oracles/ChainlinkOracleLib.sol";

/// @dev The engine's storage slot: keccak256(abi.encode(uint256(keccak256("ballast.storage.Engine")) - 1))
/// & ~bytes32(uint256(0xff)). File-level, so the VenueModule reaches the same namespace.
bytes32 constant ENGINE_STORAGE_SLOT = 0x76829b1603575ce1b308249252bf1384fe514debd27a135cf628e2b2dd8a6300;

/// @notice The engine's storage (ERC-7201 namespace `ballast.storage.Engine`).
/// @custom:storage-location erc7201:ballast.storage.Engine
struct EngineStorage {
    EngineSettings settings; // one slot
    AmountSettings amounts; // one slot
    EngineState state; // one slot, read once per call
    uint32[8] maxStalenessSeconds; // per asset, one slot
    address guardian;
    mapping(bytes32 id => uint256 eta) changeEta; // queued loosening changes, by keccak256 of their calldata
}

/// @notice Which way a conversion rounds.
enum Rounding {
    Down,
    Up
}

/// @title EngineBase
/// @notice What a vault's core and its extension share: the immutables, the storage layout, oracle
/// valuation, and the one trigger predicate. It declares no external function, so the core and the
/// extension built on it cannot expose the same selector through it.
/// @dev Storage lives in ERC-7201 namespaces (this one, and one per vault kind), never in sequential
/// slots, so the core and the extension see one layout whatever else each inherits: OpenZeppelin's
/// `Ownable2Step`, which only the extension inherits, keeps its two sequential slots (0 and 1) to
/// itself. A vault supplies the strategy through hooks that must be overridden:
///  - `_targetDeltas`: where each asset should go (value to buy or sell, in quote WAD) for the
///    configured mode, the deviation measure, and whether the position is out of its band;
///  - `_deviation`: the same deviation measure for arbitrary values (the post-condition's check);
///  - `_afterRebalance`: runs after a successful rebalance (vault-specific events).
/// Asset 0 is the quote asset; every leg trades one other asset against it.
/// Units: prices and values are quote WAD (quote per whole token, 1e18 = 1 quote token); token
/// amounts stay in native decimals; thresholds are bps. Rounding favours the vault everywhere.
abstract contract EngineBase is ReentrancyGuardTransient {
    using FixedPointMathLib for uint256;
    using InPlaceLib for uint256[];
    using InPlaceLib for int256[];
    using SafeTransferLib for address;

    /// @dev Valuation of the vault at oracle prices (memory only).
    struct Valuation {
        AssetConfig[] cfg;
        uint256[] prices; // quote WAD per whole token; prices[0] = WAD
        uint256[] values; // quote WAD
        uint256[] balances; // token units held
        uint256 nav; // quote WAD: the sum of values less `debtWad` (zero when debt exceeds them)
        // What the vault owes on a lending market, at oracle prices (quote WAD, rounded against the
        // holders); zero for a vault without a lending leg (`_addLending`).
        uint256 debtWad;
        // Set by `_targetDeltas` when the strategy's own inputs (beyond the assets' feeds) cannot be
        // trusted: the predicate reports it and nothing trades. `HEALTHY` (the default) means usable.
        Reason strategyReason;
        // Strategy scratch value computed by `_targetDeltas` and carried into the post-condition's
        // revaluation (same prices), e.g. an options book's delta, so `_deviation` need not recompute it.
        // When `strategyReason` is set, the reason's detail instead (e.g. when a cooldown ends).
        int256 strategyWad;
        // Strategy scratch tag from `_targetDeltas` for `_afterRebalance` (delta-hedged vault: the
        // fingerprint of the book it valued).
        bytes32 strategyTag;
        // Strategy scratch: per-asset figures of these values the strategy computed once and reuses
        // (target-weight vault: the weights, for its event). Empty until then; `_revalue` starts empty.
        // A cache, valid by call order (the strategy's NatSpec says which); tests hold its event to it.
        uint256[] strategyArray;
    }

    /* ---------------------------------------------------------------- CONSTANTS AND IMMUTABLES */

    /// @dev Smallest minimum output a leg may have (ConstantsLib.MIN_LEG_OUTPUT).
    uint256 internal constant MIN_LEG_OUTPUT = ConstantsLib.MIN_LEG_OUTPUT;
    /// @dev Uniswap V3 fee tiers are in hundredths of a bip: 1e6 = 100%.
    uint256 internal constant FEE_UNIT = 1e6;

    /// @dev Number of assets, quote asset included.
    uint256 internal immutable ASSET_COUNT;
    /// @dev SSTORE2 pointer to `abi.encode(AssetConfig[])`: one cold account read instead of 3 slots per asset.
    address internal immutable ASSET_TABLE;
    /// @dev The quote asset (asset 0): shares, NAV, rewards and min trade value are in its units.
    address internal immutable QUOTE;
    /// @dev 10 ** quote decimals.
    uint256 internal immutable QUOTE_UNIT;
    /// @dev L2 sequencer uptime feed; zero when the chain has none.
    address internal immutable SEQUENCER_FEED;
    /// @dev Time after the sequencer comes back before prices are trusted again.
    uint256 internal immutable SEQUENCER_GRACE_SECONDS;
    /// @dev The VenueModule every swap runs through (DELEGATECALL) and the predicate's venue check
    /// asks (STATICCALL).
    address internal immutable VENUE_MODULE;

    /* ---------------------------------------------------------------- CONSTRUCTOR */

    constructor(EngineImmutables memory im) {
        ASSET_COUNT = im.assetCount;
        ASSET_TABLE = im.assetTable;
        QUOTE = im.quote;
        QUOTE_UNIT = im.quoteUnit;
        SEQUENCER_FEED = im.sequencerFeed;
        SEQUENCER_GRACE_SECONDS = im.sequencerGraceSeconds;
        VENUE_MODULE = im.venueModule;
    }

    /* ---------------------------------------------------------------- STRATEGY HOOKS */

    /// @dev Must override. Runs inside the trigger predicate (views and `rebalance()`), with oracle
    /// prices; it must not read pool state, which the caller can move. It may set `v.strategyReason`
    /// to refuse (its own inputs are unusable) and `v.strategyWad` for `_deviation`.
    /// @return deltas Value to buy (+) or sell (-) per asset, quote WAD, for the configured mode;
    /// entry 0 (quote) is ignored: the quote asset absorbs the other legs.
    /// @return deviationWad The strategy's deviation measure; the post-condition requires it to fall.
    /// @return outOfBand Whether the threshold policy should trigger.
    function _targetDeltas(
        Valuation memory v,
        EngineSettings memory s
    ) internal view virtual returns (int256[] memory deltas, uint256 deviationWad, bool outOfBand);

    /// @dev Must override. The deviation measure of `_targetDeltas` for the given values.
    function _deviation(Valuation memory v) internal view virtual returns (uint256 deviationWad);

    /// @dev Must override. Runs after a rebalance passed its post-condition (for vault-specific events).
    function _afterRebalance(Valuation memory before, Valuation memory afterwards) internal virtual;

    /// @dev Must override. A vault with a lending leg adds what it has supplied to `v.balances` and
    /// `v.values` and sets `v.debtWad`, then `v.nav`, at the valuation's prices: holdings rounded
    /// `rounding`, debt the other way. A vault without one leaves the wallet's valuation as it is.
    function _addLending(Valuation memory v, Rounding rounding) internal view virtual;

    /// @dev Must override. The quote value (WAD) the plan's buys may spend before the sells'
    /// proceeds: the quote held, for a vault that pays for its buys; a vault that borrows what its
    /// buys spend sizes them itself and lifts the clip.
    function _quoteBudgetWad(Valuation memory v) internal view virtual returns (uint256);

    /* ---------------------------------------------------------------- TRIGGER PREDICATE */

    /// @dev The one trigger predicate. Everything that asks "is a rebalance due?" calls this.
    /// Order: activation, pause, sequencer, oracles, empty vault, cooldown, circuit breaker, policy,
    /// minimum trade value, pool deviation. Never reverts on a broken feed or pool read of a healthy
    /// shape; it reports the reason instead. `executing` (rebalance() itself) leaves the venue check
    /// to the execution, which skips a deviated venue and reverts with the same reason when a leg
    /// has none left: one read of each venue instead of two.
    function _assess(
        bool executing
    ) internal view returns (RebalanceStatus memory st, Valuation memory v, EngineSettings memory s) {
        EngineStorage storage $ = _engine();
        EngineState memory state = $.state;
        if (!state.active) return (_no(st, Reason.NotActive, 0), v, s);
        if (state.paused) return (_no(st, Reason.Paused, 0), v, s);
        if (SEQUENCER_FEED != address(0)) {
            Reason r = ChainlinkOracleLib.sequencerReason(SEQUENCER_FEED, SEQUENCER_GRACE_SECONDS);
            if (r != HEALTHY) return (_no(st, r, 0), v, s);
        }
        (Reason oracleReason, uint256 badAsset) = _value(v, Rounding.Down, false);
        if (oracleReason != HEALTHY) return (_no(st, oracleReason, badAsset), v, s);
        st.navWad = v.nav;
        if (v.nav == 0) return (_no(st, Reason.EmptyVault, 0), v, s);

        s = $.settings;
        int256[] memory deltas;
        (deltas, st.deviationWad, st.outOfBand) = _targetDeltas(v, s);
        if (v.strategyReason != HEALTHY) return (_no(st, v.strategyReason, uint256(v.strategyWad)), v, s);
        uint256 minTradeWad = (uint256($.amounts.minTradeValue) * WAD) / QUOTE_UNIT;
        (Reason gate, uint256 gateDetail, uint256 budgetWad) = _timeGate(st, s, state, v.nav);
        if (gate != Reason.Due) return (_no(st, gate, gateDetail), v, s);

        bool budgetBound;
        (st.legs, budgetBound) = _planLegs(v, deltas, s, budgetWad, minTradeWad);
        if (st.legs.length == 0) {
            if (!budgetBound) return (_no(st, Reason.BelowMinTrade, 0), v, s);
            // The breaker's cost budget shrank every leg below the minimum: wait until it fits one.
            uint256 refill = _costRefillAt(s, state, v.nav, minTradeWad);
            st.nextEligibleAt = _max(st.nextEligibleAt, refill);
            return (_no(st, Reason.CircuitBreaker, refill), v, s);
        }
        if (!executing) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory ret) = VENUE_MODULE.staticcall(
                _route(false, st.legs, v.prices, s.maxPoolDeviationBps)
            );
            (uint256 deviates, uint256 asset, ) = abi.decode(ret, (uint256, uint256, uint256[]));
            if (!ok || deviates != 0) {
                st.legs = new Leg[](0);
                return (_no(st, Reason.PoolPriceDeviation, asset), v, s);
            }
        }
        st.reason = Reason.Due;
    }

    /// @dev Cooldown, the circuit breaker's count and the policy. Sets `st.nextEligibleAt`; returns
    /// `Due` or the reason, with its detail, and the value (quote WAD) the breaker's cost budget lets
    /// the plan trade: at worst every leg loses `maxSlippageBps` and the keeper earns `rewardBps` of
    /// it, so a plan of at most `budgetWad` keeps the cost load within `maxCostBpsPerPeriod`.
    function _timeGate(
        RebalanceStatus memory st,
        EngineSettings memory s,
        EngineState memory state,
        uint256 navWad
    ) private view returns (Reason, uint256, uint256 budgetWad) {
        uint256 period = s.periodSeconds;
        uint256 cooldownEnd = uint256(state.lastRebalanceAt) + s.cooldownSeconds;
        uint256 intervalEnd = uint256(state.lastRebalanceAt) + s.intervalSeconds;
        uint256 perTrade = uint256(s.maxSlippageBps) + s.rewardBps; // worst-case cost, bps of value traded
        // Seconds of cost load left before the cap (one kept back for rounding), as tradable value.
        uint256 costFrom = _max(state.costClearAt, block.timestamp);
        budgetWad =
            perTrade == 0
                ? type(uint256).max
                : (_sub0(block.timestamp + period, costFrom + 1) * s.maxCostBpsPerPeriod * navWad) /
                    (period * perTrade);
        // The count: held until one more rebalance fits the window.
        uint256 breakerEnd =
            _max(state.rebalancesClearAt, block.timestamp) + _ceilDiv(period, s.maxRebalancesPerPeriod);
        // forge-lint: disable-next-line(block-timestamp) -- the breaker's rolling window is a time rule by design; a builder's seconds of drift move it by those seconds
        breakerEnd = breakerEnd > block.timestamp + period ? breakerEnd - period : 0;
        st.nextEligibleAt = _max(cooldownEnd, breakerEnd);
        if (s.policy == Policy.Time) st.nextEligibleAt = _max(st.nextEligibleAt, intervalEnd);

        // forge-lint: disable-next-line(block-timestamp) -- the cooldown is a time rule by design
        if (block.timestamp < cooldownEnd) return (Reason.Cooldown, cooldownEnd, budgetWad);
        if (breakerEnd != 0) return (Reason.CircuitBreaker, breakerEnd, budgetWad);
        // forge-lint: disable-next-line(block-timestamp) -- the time policy's interval is a time rule by design
        bool timeDue = s.policy != Policy.Threshold && block.timestamp >= intervalEnd;
        bool bandDue = s.policy != Policy.Time && st.outOfBand;
        if (timeDue || bandDue) return (Reason.Due, 0, budgetWad);
        if (s.policy == Policy.Time) return (Reason.IntervalNotElapsed, intervalEnd, budgetWad);
        return (Reason.WithinBand, 0, budgetWad);
    }

    /// @dev When the cost budget will fit a minimum trade's worst-case cost: its load, in seconds,
    /// added to what is left must stay within the window.
    function _costRefillAt(
        EngineSettings memory s,
        EngineState memory state,
        uint256 navWad,
        uint256 minTradeWad
    ) private view returns (uint256) {
        uint256 perTrade = uint256(s.maxSlippageBps) + s.rewardBps;
        uint256 need =
            _max(state.costClearAt, block.timestamp) +
                1 +
                _ceilDiv(_max(minTradeWad, 1) * perTrade * s.periodSeconds, navWad * s.maxCostBpsPerPeriod);
        // forge-lint: disable-next-line(block-timestamp) -- the breaker's rolling window is a time rule by design
        return need > block.timestamp + s.periodSeconds ? need - s.periodSeconds : block.timestamp;
    }

    function _max(uint256 a, uint256 b) internal pure returns (uint256) {
        return FixedPointMathLib.max(a, b);
    }

    function _sub0(uint256 a, uint256 b) internal pure returns (uint256) {
        return FixedPointMathLib.zeroFloorSub(a, b);
    }

    function _ceilDiv(uint256 a, uint256 b) internal pure returns (uint256) {
        return FixedPointMathLib.divUp(a, b);
    }

    /// @dev The venue module's `route` call for `legs`, one encoder for the check and the execution:
    /// `RouteCallLib.encode` with this vault, its venue table's version and its asset table.
    function _route(
        bool execute,
        Leg[] memory legs,
        uint256[] memory prices,
        uint256 maxDeviationBps
    ) internal view returns (bytes memory) {
        return
            RouteCallLib.encode(
                execute,
                address(this),
                _engine().state.venueVersion,
                ASSET_TABLE,
                legs,
                prices,
                maxDeviationBps
            );
    }

    function _no(
        RebalanceStatus memory st,
        Reason reason,
        uint256 detail
    ) private pure returns (RebalanceStatus memory) {
        st.reason = reason;
        st.detail = detail;
        return st;
    }

    /* ---------------------------------------------------------------- PLANNING */

    /// @dev Turns per-asset value deltas into swap legs: scaled down to `maxTradeBps` of NAV and to
    /// the breaker's cost budget (`budgetWad`), buys clipped to the quote held plus the sells'
    /// minimum proceeds, legs below `minTradeValue` or with a dust output dropped, sells before buys. Amounts round down, minimum outputs up.
    /// How: `total` is what the legs will spend, buys grossed up by their pool's fee (`_leg`), so the
    /// caps bind on it. `legs` is room for n − 1 legs, a length and one pointer each, without the
    /// zeroed struct `new Leg[]` would place behind every slot: each slot below `count` is set before
    /// it is read, and the array is shrunk to `count` at the end. `quoteWad` is the quote the buys can
    /// spend: what the vault holds plus the sells' minimum proceeds (WAD). Two passes: sells (delta
    /// < 0) first so their proceeds fund the buys. A buy is clipped, in the plan itself, to the quote
    /// it can be paid with (grossed up by the pool fee in `_leg`: the net value is clipped so the
    /// gross still fits).
    function _planLegs(
        Valuation memory v,
        int256[] memory deltas,
        EngineSettings memory s,
        uint256 budgetWad,
        uint256 minTradeWad
    ) internal view returns (Leg[] memory legs, bool budgetBound) {
        uint256 n = deltas.length;
        uint256 total;
        for (uint256 i = 1; i < n; ++i) {
            int256 d = deltas.atInt(i);
            // forge-lint: disable-next-line(unsafe-typecast) -- the sign is tested: d > 0 on one side, −d > 0 on the other
            total += d > 0 ? uint256(d).mulDiv(FEE_UNIT, FEE_UNIT - v.cfg[i].poolFee) : uint256(-d);
        }
        uint256 cap = (v.nav * s.maxTradeBps) / BPS;
        budgetBound = budgetWad < cap && budgetWad < total;
        if (budgetBound) cap = budgetWad;

        assembly ("memory-safe") {
            legs := mload(0x40)
            mstore(legs, sub(n, 1))
            mstore(0x40, add(legs, shl(5, n)))
        }
        uint256 count;
        uint256 quoteWad = _quoteBudgetWad(v);
        for (uint256 pass; pass < 2; ++pass) {
            for (uint256 i = 1; i < n; ++i) {
                int256 d = deltas.atInt(i);
                if ((d < 0) != (pass == 0)) continue;
                uint256 valueWad = FixedPointMathLib.abs(d);
                if (total > cap) valueWad = (valueWad * cap) / total;
                if (pass == 1) {
                    valueWad = FixedPointMathLib.min(
                        valueWad,
                        quoteWad.mulDiv(FEE_UNIT - v.cfg[i].poolFee, FEE_UNIT)
                    );
                }
                if (valueWad == 0 || valueWad < minTradeWad) continue;
                (uint256 amountIn, uint256 unit, uint256 price) = _legInput(v, i, pass == 0, valueWad);
                Leg memory leg = _legOf(i, pass == 0, amountIn, unit, price, s.maxSlippageBps);
                // Dust: an output this small rounds by more than a basis point against the bound.
                if (leg.minAmountOut < MIN_LEG_OUTPUT) continue;
                if (pass == 0) quoteWad += leg.minAmountOut.mulDiv(WAD, QUOTE_UNIT);
                else quoteWad -= leg.valueWad;
                _setLeg(legs, count++, leg);
            }
        }
        assembly ("memory-safe") {
            mstore(legs, count) // shrink to the legs kept
        }
    }

    /// @dev `legs[k] = leg` without the bounds check: `_planLegs` keeps `k` below the n − 1 slots it
    /// reserved.
    function _setLeg(Leg[] memory legs, uint256 k, Leg memory leg) private pure {
        assembly ("memory-safe") {
            mstore(add(legs, shl(5, add(k, 1))), leg)
        }
    }

    /// @dev What `_legOf` needs for a leg of `valueWad` in asset `i` (below the asset count: a
    /// `_planLegs` index, so its price is read unchecked): its input amount, the asset's unit and its
    /// price. Returns the three, not the leg, so the plan allocates one Leg per leg, not a second for
    /// a return value.
    function _legInput(
        Valuation memory v,
        uint256 i,
        bool isSell,
        uint256 valueWad
    ) private view returns (uint256 amountIn, uint256 unit, uint256 price) {
        AssetConfig memory c = v.cfg[i];
        unit = ConstantsLib.unit(c.decimals);
        price = v.prices.at(i);
        // A buy spends its value grossed up by the pool's fee, so what arrives is what the strategy
        // asked for (it lands where it aims, not a fee short of it); a sell's input is exact already.
        amountIn =
            isSell
                ? valueWad.mulDiv(unit, price)
                : valueWad.mulDiv(QUOTE_UNIT * FEE_UNIT, WAD * (FEE_UNIT - c.poolFee));
    }

    /// @dev A leg of `amountIn` (asset `i` units when selling, quote units when buying) at `price`
    /// (quote WAD per whole token of `unit` units): its oracle value rounded down, and a minimum
    /// output of that value less `slippageBps`, rounded up against the pool.
    function _legOf(
        uint256 i,
        bool isSell,
        uint256 amountIn,
        uint256 unit,
        uint256 price,
        uint256 slippageBps
    ) internal view returns (Leg memory leg) {
        // forge-lint: disable-next-line(unsafe-typecast) -- i < ASSET_COUNT <= 8
        leg.asset = uint8(i);
        leg.isSell = isSell;
        leg.amountIn = amountIn;
        if (isSell) {
            leg.valueWad = amountIn.mulDiv(price, unit);
            leg.minAmountOut = (leg.valueWad * (BPS - slippageBps)).mulDivUp(QUOTE_UNIT, WAD * BPS);
        } else {
            leg.valueWad = amountIn.mulDiv(WAD, QUOTE_UNIT);
            leg.minAmountOut = (leg.valueWad * (BPS - slippageBps)).mulDivUp(unit, price * BPS);
        }
    }

    /* ---------------------------------------------------------------- EXECUTION */

    /// @dev DELEGATECALLs `target`; returns its data, or reverts with its revert data as it came.
    function _delegate(address target, bytes memory call) internal returns (bytes memory ret) {
        bool ok;
        // solhint-disable-next-line avoid-low-level-calls
        (ok, ret) = target.delegatecall(call);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
    }

    /// @dev Executes `legs` (sells first; legs of zero amount are skipped) through the venue module:
    /// each split across its asset's venues, each slice measured against its share of the leg's
    /// oracle-bounded minimum output; a buy spends at most the quote the vault holds.
    /// @return traded The oracle value sold, quote WAD.
    /// @return amountsOut Output received per leg.
    function _executeLegs(
        Leg[] memory legs,
        uint256[] memory prices,
        uint256 maxDeviationBps
    ) internal returns (uint256 traded, uint256[] memory amountsOut) {
        bytes memory ret = _delegate(VENUE_MODULE, _route(true, legs, prices, maxDeviationBps));
        // The module's own `abi.encode(traded, 0, amountsOut)`, read where it lies (as the asset
        // table is) instead of copied and re-validated: the head's first word, then the array at the
        // offset its third word gives.
        assembly ("memory-safe") {
            traded := mload(add(ret, 0x20))
            amountsOut := add(add(ret, 0x20), mload(add(ret, 0x60)))
        }
    }

    /* ---------------------------------------------------------------- VALUATION */

    /// @dev Reads every feed and balance. `Rounding.Up` values each holding rounded up (deposits price
    /// shares against the larger NAV), `Rounding.Down` rounded down. Returns `HEALTHY`, or the first
    /// unhealthy asset's reason and index. `anyAge` accepts answers of any age (a stale feed's last
    /// answer), for the ERC-4626 views that must not revert; nothing that moves funds uses it.
    function _value(
        Valuation memory v,
        Rounding rounding,
        bool anyAge
    ) internal view returns (Reason, uint256 badAsset) {
        AssetConfig[] memory cfg = _assetConfigs();
        uint256 n = cfg.length;
        v.cfg = cfg;
        uint256[] memory prices = new uint256[](n);
        v.prices = prices;
        v.values = new uint256[](n);
        v.balances = new uint256[](n);
        // The eight uint32 limits as they lie in their one slot (element i at bits 32·i).
        uint32[8] storage limits = _engine().maxStalenessSeconds;
        uint256 staleness;
        assembly ("memory-safe") {
            staleness := sload(limits.slot)
        }
        uint256 quoteNumeraire;
        for (uint256 i; i < n; ++i) {
            AssetConfig memory c = cfg[i];
            (Reason r, uint256 p) = ChainlinkOracleLib.priceWad(
                c.feed,
                c.feedDecimals,
                // forge-lint: disable-next-line(unsafe-typecast) -- the truncation is the point: element i of the packed uint32[8]
                anyAge ? type(uint256).max : uint32(staleness >> (i << 5))
            );
            if (r != HEALTHY) return (r, i);
            // Feeds quote a shared numeraire (USD); divide by the quote asset's own price.
            if (i == 0) {
                quoteNumeraire = p;
                p = WAD;
            } else {
                p = rounding == Rounding.Up ? p.mulDivUp(WAD, quoteNumeraire) : p.mulDiv(WAD, quoteNumeraire);
            }
            prices.put(i, p);
        }
        _fillValues(v, rounding);
        return (HEALTHY, 0);
    }

    /// @dev Asset `i`'s unit: 10^decimals.
    function _unitOf(Valuation memory v, uint256 i) internal pure returns (uint256) {
        return ConstantsLib.unit(v.cfg[i].decimals);
    }

    /// @dev Same prices, fresh balances, values rounded down.
    function _revalue(Valuation memory before) internal view returns (Valuation memory v) {
        v.cfg = before.cfg;
        v.prices = before.prices;
        v.strategyWad = before.strategyWad;
        v.values = new uint256[](before.cfg.length);
        v.balances = new uint256[](before.cfg.length);
        _fillValues(v, Rounding.Down);
    }

    function _fillValues(Valuation memory v, Rounding rounding) private view {
        AssetConfig[] memory cfg = v.cfg;
        (uint256[] memory prices, uint256[] memory balances, uint256[] memory values) = (
            v.prices,
            v.balances,
            v.values
        );
        uint256 nav;
        // Every array of `v` has the asset count's length (`_value`, `_revalue`): read unchecked.
        for (uint256 i; i < cfg.length; ++i) {
            (address token, uint256 unit) = _tokenAndUnit(cfg, i);
            uint256 bal = token.balanceOf(address(this));
            balances.put(i, bal);
            uint256 price = prices.at(i);
            uint256 value = rounding == Rounding.Up ? bal.mulDivUp(price, unit) : bal.mulDiv(price, unit);
            values.put(i, value);
            nav += value;
        }
        v.nav = nav;
        _addLending(v, rounding);
    }

    /// @dev Asset `i`'s token and unit (10^decimals), read where its config lies without the bounds
    /// check: `i` is below the asset count in every loop that calls this.
    function _tokenAndUnit(
        AssetConfig[] memory cfg,
        uint256 i
    ) private pure returns (address token, uint256 unit) {
        uint256 c;
        assembly ("memory-safe") {
            c := mload(add(cfg, shl(5, add(i, 1))))
        }
        return InPlaceLib.tokenAndUnit(c);
    }

    /// @dev Valuation with the sequencer and every feed checked: `HEALTHY`, or the first unhealthy
    /// reason and the asset it names (0 for the sequencer).
    function _valuation(
        Rounding rounding
    ) internal view returns (Reason reason, uint256 asset, Valuation memory v) {
        if (SEQUENCER_FEED != address(0)) {
            reason = ChainlinkOracleLib.sequencerReason(SEQUENCER_FEED, SEQUENCER_GRACE_SECONDS);
            if (reason != HEALTHY) return (reason, 0, v);
        }
        (reason, asset) = _value(v, rounding, false);
    }

    /// @dev Valuation for deposits, withdrawals and the views that need prices, which cannot proceed
    /// without healthy ones: reverts with OracleUnhealthy(reason, asset).
    function _valuationOrRevert(Rounding rounding) internal view returns (Valuation memory v) {
        Reason reason;
        uint256 asset;
        (reason, asset, v) = _valuation(rounding);
        if (reason != HEALTHY) revert IBallastErrors.OracleUnhealthy(reason, asset);
    }

    /// @dev NAV (quote WAD) at the feeds' last answers whatever their age or the sequencer's state:
    /// what `totalAssets` and the ERC-4626 conversions report, which must not revert while a feed is
    /// merely stale. Reverts with OracleUnhealthy only when a feed has no usable answer at all.
    function _lastKnownNav(Rounding rounding) internal view returns (uint256) {
        Valuation memory v;
        (Reason reason, uint256 asset) = _value(v, rounding, true);
        if (reason != HEALTHY) revert IBallastErrors.OracleUnhealthy(reason, asset);
        return v.nav;
    }

    /// @dev The asset table, read in place: it is `abi.encode(AssetConfig[])` written by this vault's
    /// own construction and never rewritten, so its static structs (7 words each) are used where they
    /// lie instead of being copied and re-validated by `abi.decode`.
    function _assetConfigs() internal view returns (AssetConfig[] memory cfg) {
        bytes memory t = SSTORE2.read(ASSET_TABLE);
        uint256 base;
        uint256 n;
        assembly ("memory-safe") {
            n := mload(add(t, 0x40)) // after the bytes' length and the array's offset
            base := add(t, 0x60)
        }
        uint256 array = InPlaceLib.structArray(base, n, 0xe0); // AssetConfig: 7 words
        assembly ("memory-safe") {
            cfg := array
        }
    }

    /* ---------------------------------------------------------------- STORAGE AND IMMUTABLES */

    function _engine() internal pure returns (EngineStorage storage $) {
        assembly ("memory-safe") {
            $.slot := ENGINE_STORAGE_SLOT
        }
    }

    function _immutables() internal view returns (EngineImmutables memory) {
        return
            EngineImmutables({
                assetCount: ASSET_COUNT,
                assetTable: ASSET_TABLE,
                quote: QUOTE,
                quoteUnit: QUOTE_UNIT,
                sequencerFeed: SEQUENCER_FEED,
                sequencerGraceSeconds: SEQUENCER_GRACE_SECONDS,
                venueModule: VENUE_MODULE
            });
    }

    /// @dev Solady uses storage for the guard off mainnet by default; every chain we target has
    /// transient storage (Cancun), so use it everywhere. Core and extension share the one slot.
    function _useTransientReentrancyGuardOnlyOnMainnet() internal pure override returns (bool) {
        return false;
    }
}
