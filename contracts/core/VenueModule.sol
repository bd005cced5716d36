// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {SSTORE2} from "solady/src/utils/SSTORE2.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {IBallastErrors} from "../interfaces/IBallastErrors.sol";
import {
    AssetConfig,
    EngineImmutables,
    IRebalanceEngineCore,
    IRebalanceEngineExt,
    Leg,
    Reason,
    Venue,
    VenueInput
} from "../interfaces/IRebalanceEngine.sol";
import {IVenueAdapter, VenueQuote} from "../interfaces/IVenueAdapter.sol";
import {IVenueModule, IVenueModuleExt} from "../interfaces/IVenueModule.sol";
import {ChangeQueueLib} from "../libraries/ChangeQueueLib.sol";
import {BPS, ConstantsLib, WAD} from "../libraries/ConstantsLib.sol";
import {InPlaceLib} from "../libraries/InPlaceLib.sol";
import {VenueSplitLib} from "../libraries/VenueSplitLib.sol";
import {UniswapV3PoolLib} from "../adapters/UniswapV3PoolLib.sol";
// ENGINE_STORAGE_SLOT is read in assembly, where solhint does not see it.
// solhint-disable-next-line no-unused-import
import {ENGINE_STORAGE_SLOT, EngineStorage} from "./EngineBase.sol";

/// @title VenueModule
/// @notice Where every Ballast vault's swaps run: each leg is split across the venues listed for
/// its asset (VenueSplitLib on each venue's quote), every slice is a call its venue's adapter builds
/// and the vault sends to the venue's recorded target, and what arrives is measured by balance
/// difference against the slice's share of the leg's oracle-bounded minimum. Also the venue list
/// and its owner-only setter. One deployment serves every vault on a chain: it holds no state and
/// no funds; a vault reaches it by DELEGATECALL (execution, the list) or STATICCALL (the check).
/// @dev Runs on the vault's storage: the engine's namespace (EngineBase's `EngineStorage`, whose
/// `state.venueVersion` names the table) and OpenZeppelin Ownable's `_owner` in slot 0, which the
/// vault's extension keeps. The venue table is SSTORE2 data at the vault's deterministic (CREATE3)
/// address for salt `venueVersion`: finding it costs two hashes, no storage read.
contract VenueModule is IVenueModule {
    using FixedPointMathLib for uint256;
    using SafeTransferLib for address;

    /// @dev At most this many venues per vault (three per non-quote asset of an 8-asset vault, plus
    /// direct routes).
    uint256 internal constant MAX_VENUES = 24;

    /// @dev Transient: the pool a swap is being made on, the token it is paid in, and at most how much
    /// (three consecutive slots), set around each venue call and cleared by the payment.
    /// keccak256("ballast.transient.VenuePayee")
    uint256 private constant PAYEE_SLOT = 0x0591ffb9c9d75ecab89e499bda094d35daecb20f045ccc1dc2dfafc282c4ac12;

    /// @dev Transient: the keeper's route for the `rebalance()` in progress (`rebalanceRouted`): its
    /// length here, weight i at the slot + 1 + i. Zero outside that call.
    /// keccak256("ballast.transient.KeeperRoute")
    uint256 private constant ROUTE_SLOT = 0x746f484204ad4fb4e275dbbffc3cb72bb826b6941ecf98dc0191c75bc92e5079;

    /// @dev The two-hop path a direct venue competes with is modelled as a venue this many times
    /// deeper than the amount (impact 1 ppm): its real depth is ignored, so a direct venue gets at
    /// most what it would get against a perfectly deep two-hop path — never more than it should.
    uint256 private constant TWO_HOP_DEPTH_FACTOR = 1e6;

    /// @dev Solady ReentrancyGuardTransient's slot (the vaults' guard, transient on every chain).
    uint256 private constant REENTRANCY_GUARD_SLOT = 0x8000000000ab143c06;

    /// @dev The module's own address: the execution and list functions refuse to run on it.
    address private immutable SELF;

    /// @dev The Uniswap V3 factory whose pools are built-in venues (listed with adapter zero).
    address public immutable V3_FACTORY;

    /// @param uniswapV3Factory The chain's Uniswap V3 factory: a built-in venue must be one of its pools.
    constructor(address uniswapV3Factory) {
        SELF = address(this);
        V3_FACTORY = uniswapV3Factory;
    }

    modifier delegated() {
        if (address(this) == SELF) revert IBallastErrors.NotDelegated();
        _;
    }

    /* ---------------------------------------------------------------- EXECUTION */

    /// @inheritdoc IVenueModule
    function route(
        bool execute,
        address vault,
        uint256 version,
        address assetTable,
        Leg[] calldata legs,
        uint256[] calldata prices,
        uint256 maxDeviationBps
    ) external returns (uint256, uint256, uint256[] memory amountsOut) {
        bytes memory cfg = SSTORE2.read(assetTable);
        if (!execute) {
            (bool deviates, uint256 asset) = _check(cfg, vault, version, legs, prices, maxDeviationBps);
            return (deviates ? 1 : 0, asset, amountsOut);
        }
        if (address(this) == SELF || vault != address(this) || !_locked())
            revert IBallastErrors.NotDelegated();
        Ctx memory c;
        c.cfg = cfg;
        bool anyDirect;
        (c.list, c.minGainWad, anyDirect) = _tableInPlace(vault, version);
        c.maxDeviationBps = maxDeviationBps;
        c.weights = _keeperRoute();
        amountsOut = new uint256[](legs.length);
        uint256 tradedWad;
        // What direct routes leave of each leg's input; kept only when the list has a direct venue.
        uint256[] memory left;
        if (anyDirect) {
            left = new uint256[](legs.length);
            for (uint256 i; i < legs.length; ++i) left[i] = legs[i].amountIn;
            tradedWad = _directRoutes(c, legs, left, prices, amountsOut);
        }
        Leg memory leg; // one struct, refilled for each leg (`_executeLeg` keeps no reference to it)
        for (uint256 i; i < legs.length; ++i) {
            _loadLeg(leg, legs, i);
            uint256 amountIn = left.length != 0 ? left[i] : leg.amountIn;
            if (amountIn == 0) continue;
            (uint256 value, uint256 out) = _executeLeg(c, leg, amountIn, prices[leg.asset]);
            tradedWad += value;
            amountsOut[i] += out;
        }
        return (tradedWad, 0, amountsOut);
    }

    /// @dev What every leg of one execution shares.
    struct Ctx {
        bytes cfg; // the asset table's bytes
        Venue[] list;
        uint256 minGainWad;
        uint256 maxDeviationBps;
        uint256[] weights; // the keeper's route (empty: the on-chain split)
    }

    /// @inheritdoc IVenueModuleExt
    function rebalanceRouted(uint256[] calldata weights) external delegated returns (uint256 reward) {
        (Venue[] memory list, , ) = _tableInPlace(address(this), _engine().state.venueVersion);
        uint256 n = weights.length;
        if (n != list.length) revert IBallastErrors.RouteLengthMismatch(n, list.length);
        for (uint256 i; i < n; ++i) {
            uint256 w = weights[i];
            if (w > BPS) revert IBallastErrors.RouteWeightTooHigh(i, w);
            assembly ("memory-safe") {
                tstore(add(ROUTE_SLOT, add(i, 1)), w)
            }
        }
        assembly ("memory-safe") {
            tstore(ROUTE_SLOT, n)
        }
        // The vault's own rebalance(), run on its code with this caller: every check it makes applies.
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = address(this).delegatecall(
            abi.encodeWithSelector(IRebalanceEngineCore.rebalance.selector)
        );
        assembly ("memory-safe") {
            tstore(ROUTE_SLOT, 0)
        }
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        reward = abi.decode(ret, (uint256));
    }

    /// @dev The keeper's route of the call in progress, or an empty one.
    function _keeperRoute() private view returns (uint256[] memory weights) {
        uint256 n;
        assembly ("memory-safe") {
            n := tload(ROUTE_SLOT)
        }
        if (n == 0) return weights;
        weights = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            uint256 w;
            assembly ("memory-safe") {
                w := tload(add(ROUTE_SLOT, add(i, 1)))
            }
            weights[i] = w;
        }
    }

    /// @dev Direct routes: for each sell of asset A and buy of asset B with a venue listed for the
    /// pair, the value both legs share is offered to the pair's direct venues, which compete with the
    /// two-hop path through the quote asset (fee: the two legs' cheapest quote venues' fees
    /// compounded); what the direct venues take is swapped A -> B, measured against the buy leg's
    /// minimum for that value (one slippage bound, not two), and taken out of both legs.
    /// @return tradedWad The oracle value swapped directly (counted once: it is one trade).
    function _directRoutes(
        Ctx memory c,
        Leg[] calldata legs,
        uint256[] memory left,
        uint256[] calldata prices,
        uint256[] memory amountsOut
    ) private returns (uint256 tradedWad) {
        for (uint256 i; i < legs.length; ++i) {
            for (uint256 j; j < legs.length; ++j) {
                Leg calldata sell = legs[i];
                Leg calldata buy = legs[j];
                if (!sell.isSell || buy.isSell || left[i] == 0 || left[j] == 0) continue;
                uint256[] memory idx = _venuesBetween(c.list, sell.asset, buy.asset);
                if (idx.length == 0) continue;
                Pair memory p = _crossPair(c, sell.asset, buy.asset, prices);
                uint256 sellValue = sell.valueWad.mulDiv(left[i], sell.amountIn);
                uint256 amountA = left[i].mulDiv(
                    FixedPointMathLib.min(sellValue, buy.valueWad.mulDiv(left[j], buy.amountIn)),
                    sellValue
                );
                uint256[] memory amounts = _directSplit(c, idx, p, amountA);
                uint256 spent;
                for (uint256 k; k < idx.length; ++k) spent += amounts[k];
                if (spent == 0) continue;
                uint256 value = sell.valueWad.mulDiv(spent, sell.amountIn);
                // The buy leg's minimum output for this value: oracle value less one slippage bound.
                uint256 minOut = buy.minAmountOut.mulDivUp(value, buy.valueWad);
                uint256 out = _swapSlices(c, idx, amounts, p, spent, minOut, true);
                left[i] -= spent;
                left[j] -= FixedPointMathLib.min(buy.amountIn.mulDiv(value, buy.valueWad), left[j]);
                amountsOut[j] += out;
                tradedWad += value;
                emit DirectLeg(sell.asset, buy.asset, spent, out, minOut);
            }
        }
    }

    /// @dev How much of `amountA` each of the pair's direct venues (`idx`) takes. The keeper's route:
    /// each venue within the bound its weight's share (the pair's weights sum to at most 10,000 bp).
    /// Else VenueSplitLib over the direct venues and the two-hop path, modelled as one more venue at
    /// the oracle's price with the compounded fee of the two legs' cheapest quote venues and
    /// TWO_HOP_DEPTH_FACTOR times the amount in depth; its share stays in the legs.
    function _directSplit(
        Ctx memory c,
        uint256[] memory idx,
        Pair memory p,
        uint256 amountA
    ) private view returns (uint256[] memory amounts) {
        uint256 n = idx.length;
        if (c.weights.length != 0) {
            amounts = new uint256[](n);
            uint256 sum;
            for (uint256 k; k < n; ++k) {
                uint256 w = c.weights[idx[k]];
                sum += w;
                if (w != 0 && _usable(c, c.list[idx[k]], p)) amounts[k] = amountA.mulDiv(w, BPS);
            }
            if (sum > BPS) revert IBallastErrors.RouteWeightTooHigh(idx[n - 1], sum);
            return amounts;
        }
        VenueQuote[] memory quotes = new VenueQuote[](n + 1);
        for (uint256 k; k < n; ++k) quotes[k] = _quoteOf(c.list[idx[k]], p.tokenIn, p.tokenOut);
        (address quote, ) = _assetAt(c.cfg, 0);
        uint256 keep =
            (VenueSplitLib.FEE_UNIT - _cheapestFee(c.list, p.assetIn, p.tokenIn, quote)) *
                (VenueSplitLib.FEE_UNIT - _cheapestFee(c.list, p.asset, quote, p.tokenOut));
        quotes[n] = VenueQuote(
            p.oracleX128,
            amountA * TWO_HOP_DEPTH_FACTOR + 1,
            VenueSplitLib.FEE_UNIT - keep / VenueSplitLib.FEE_UNIT
        );
        (amounts, ) = VenueSplitLib.split(quotes, p.oracleX128, c.maxDeviationBps, amountA, p.minGainOut);
        assembly ("memory-safe") {
            mstore(amounts, n) // the two-hop path's share stays in the legs
        }
    }

    /// @dev The lowest fee (millionths) among `asset`'s venues against the quote asset.
    function _cheapestFee(
        Venue[] memory list,
        uint256 asset,
        address tokenIn,
        address tokenOut
    ) private view returns (uint256 fee) {
        uint256[] memory idx = _venuesBetween(list, asset, 0);
        fee = VenueSplitLib.FEE_UNIT;
        for (uint256 k; k < idx.length; ++k) {
            fee = FixedPointMathLib.min(fee, _quoteOf(list[idx[k]], tokenIn, tokenOut).feePpm);
        }
    }

    /// @dev The pair selling non-quote asset `a` for non-quote asset `b` at the oracle's cross price.
    function _crossPair(
        Ctx memory c,
        uint256 a,
        uint256 b,
        uint256[] calldata prices
    ) private pure returns (Pair memory p) {
        (address tokenA, uint256 unitA) = _assetAt(c.cfg, a);
        (address tokenB, uint256 unitB) = _assetAt(c.cfg, b);
        (p.asset, p.assetIn, p.tokenIn, p.tokenOut) = (b, a, tokenA, tokenB);
        p.oracleX128 = (prices[a] * unitB).fullMulDiv(1 << 128, prices[b] * unitA);
        p.minGainOut = c.minGainWad.mulDiv(unitB, prices[b]);
    }

    /// @dev One leg (`amountIn` of it): a buy is clipped to the quote held (sells ran first), then
    /// split and executed.
    function _executeLeg(
        Ctx memory c,
        Leg memory leg,
        uint256 amountIn,
        uint256 price
    ) private returns (uint256 valueWad, uint256 amountOut) {
        uint256 minOut = leg.minAmountOut;
        valueWad = leg.valueWad;
        if (amountIn != leg.amountIn) {
            // What direct routes left of the leg: its minimum and value in proportion.
            minOut = minOut.mulDivUp(amountIn, leg.amountIn);
            valueWad = valueWad.mulDiv(amountIn, leg.amountIn);
        }
        (address quote, ) = _assetAt(c.cfg, 0);
        if (!leg.isSell) {
            uint256 available = quote.balanceOf(address(this));
            if (available < amountIn) {
                minOut = minOut.mulDivUp(available, amountIn);
                valueWad = valueWad.mulDiv(available, amountIn);
                amountIn = available;
            }
        }
        // What a direct route or the clip leaves of a leg can be dust: skipped, as the plan would skip
        // it. A leg as planned always trades (a flow's preview counts on it).
        if (amountIn != leg.amountIn && minOut < ConstantsLib.MIN_LEG_OUTPUT) return (0, 0);
        Pair memory p = _pair(c.cfg, leg.asset, leg.isSell, price, c.minGainWad);
        (uint256 count, uint256 sole) = c.weights.length == 0 ? _venueCount(c.list, leg.asset) : (0, 0);
        if (count == 1) {
            // One venue and no keeper route (the usual leg): no split to compute, nothing to allocate.
            Venue memory venue = c.list[sole];
            if (!_usable(c, venue, p))
                revert IBallastErrors.RebalanceNotDue(Reason.PoolPriceDeviation, leg.asset);
            amountOut = _swapOn(sole, venue, p, amountIn, minOut, false);
        } else {
            (uint256[] memory idx, uint256[] memory amounts, uint256 used) = _split(c, p, amountIn);
            if (used == 0) revert IBallastErrors.RebalanceNotDue(Reason.PoolPriceDeviation, leg.asset);
            amountOut = _swapSlices(c, idx, amounts, p, amountIn, minOut, idx.length > 1);
        }
        emit IRebalanceEngineCore.RebalanceLeg(leg.asset, leg.isSell, amountIn, amountOut, minOut);
    }

    /// @dev Leg `i` (below `legs.length`) copied into `leg` from calldata as it lies (a static struct:
    /// five words), without the check of every field a calldata struct's reads make: only the vault's
    /// own DELEGATECALL executes (`route` checks), and its plan is `_planLegs`' own, so each field is clean.
    function _loadLeg(Leg memory leg, Leg[] calldata legs, uint256 i) private pure {
        assembly ("memory-safe") {
            calldatacopy(leg, add(legs.offset, mul(i, 0xa0)), 0xa0)
        }
    }

    /// @dev Swaps `amounts[k]` on venue `idx[k]` for each non-zero slice of a part of `total` input,
    /// each measured against its pro-rata share of `minOut`; returns the output received.
    function _swapSlices(
        Ctx memory c,
        uint256[] memory idx,
        uint256[] memory amounts,
        Pair memory p,
        uint256 total,
        uint256 minOut,
        bool named
    ) private returns (uint256 out) {
        for (uint256 k; k < idx.length; ++k) {
            if (amounts[k] == 0) continue;
            out += _swapOn(idx[k], c.list[idx[k]], p, amounts[k], minOut.mulDivUp(amounts[k], total), named);
        }
    }

    /// @dev A leg's direction in token terms, the oracle's price for it (raw out per raw in,
    /// Q128.128) and the split threshold in output units.
    struct Pair {
        uint256 asset; // the leg's non-quote asset (a direct route's: the one bought)
        uint256 assetIn; // a direct route's asset sold (unused otherwise)
        address tokenIn;
        address tokenOut;
        uint256 oracleX128;
        uint256 minGainOut;
    }

    function _pair(
        bytes memory cfg,
        uint256 asset,
        bool isSell,
        uint256 price,
        uint256 minGainWad
    ) private pure returns (Pair memory p) {
        (address token, uint256 unit) = _assetAt(cfg, asset);
        (address quote, uint256 quoteUnit) = _assetAt(cfg, 0);
        p.asset = asset;
        if (isSell) {
            (p.tokenIn, p.tokenOut) = (token, quote);
            p.oracleX128 = (price * quoteUnit).fullMulDiv(1 << 128, WAD * unit);
            p.minGainOut = minGainWad.mulDiv(quoteUnit, WAD);
        } else {
            (p.tokenIn, p.tokenOut) = (quote, token);
            p.oracleX128 = (WAD * unit).fullMulDiv(1 << 128, price * quoteUnit);
            p.minGainOut = minGainWad.mulDiv(unit, price);
        }
    }

    /// @dev The venues of the leg's asset against the quote asset (their indexes in `list`) and the
    /// input each gets. One venue: its spot price is checked against the deviation bound and it
    /// takes the leg. Several: VenueSplitLib on their quotes.
    function _split(
        Ctx memory c,
        Pair memory p,
        uint256 amountIn
    ) private view returns (uint256[] memory idx, uint256[] memory amounts, uint256 used) {
        idx = _venuesBetween(c.list, p.asset, 0);
        amounts = new uint256[](idx.length);
        if (c.weights.length != 0) {
            (amounts, used) = _weighted(c, idx, p, amountIn);
            if (used != 0) return (idx, amounts, used);
        }
        if (idx.length == 1) {
            // A flow (no deviation gate) trades its one venue without reading its price: a flow
            // bears its own cost, within each leg's minimum output, which the swap is measured against.
            if (_usable(c, c.list[idx[0]], p)) (amounts[0], used) = (amountIn, 1);
            return (idx, amounts, used);
        }
        VenueQuote[] memory quotes = new VenueQuote[](idx.length);
        for (uint256 k; k < idx.length; ++k) quotes[k] = _quoteOf(c.list[idx[k]], p.tokenIn, p.tokenOut);
        (amounts, used) = VenueSplitLib.split(
            quotes,
            p.oracleX128,
            c.maxDeviationBps,
            amountIn,
            p.minGainOut
        );
    }

    /// @dev The keeper's split of a leg: `amountIn` across the venues `idx` in proportion to their
    /// weights, those beyond the deviation bound dropped; the best-weighted venue takes the rounding.
    /// Nothing (`used` zero) when no weighted venue is left.
    function _weighted(
        Ctx memory c,
        uint256[] memory idx,
        Pair memory p,
        uint256 amountIn
    ) private view returns (uint256[] memory amounts, uint256 used) {
        amounts = new uint256[](idx.length);
        uint256 total;
        uint256 top;
        for (uint256 k; k < idx.length; ++k) {
            uint256 w = c.weights[idx[k]];
            if (w == 0 || !_usable(c, c.list[idx[k]], p)) continue;
            amounts[k] = w;
            total += w;
            ++used;
            if (w > amounts[top]) top = k;
        }
        if (total == 0) return (amounts, 0);
        uint256 assigned;
        for (uint256 k; k < idx.length; ++k) {
            amounts[k] = amountIn.mulDiv(amounts[k], total);
            assigned += amounts[k];
        }
        amounts[top] += amountIn - assigned;
    }

    /// @dev Whether venue `v` may trade the pair: always for a flow (no deviation gate), else when its
    /// spot price is within the bound of the oracle's.
    function _usable(Ctx memory c, Venue memory v, Pair memory p) private view returns (bool) {
        return
            c.maxDeviationBps >= ConstantsLib.NO_DEVIATION_GATE ||
            _within(_spotOf(v, p), p.oracleX128, c.maxDeviationBps);
    }

    /// @dev Venue `v`'s state for a swap of `tokenIn` into `tokenOut`.
    function _quoteOf(
        Venue memory v,
        address tokenIn,
        address tokenOut
    ) private view returns (VenueQuote memory) {
        return
            v.adapter == address(0)
                ? UniswapV3PoolLib.quote(v.pool, tokenIn, tokenOut)
                : IVenueAdapter(v.adapter).quote(v.pool, tokenIn, tokenOut);
    }

    /// @dev One swap on venue `vi`, measured; a VenueSwap event names the venue when `named` (the leg's
    /// asset has several venues, or the swap is direct). A built-in venue (adapter zero: a Uniswap V3 pool) is
    /// called directly and paid only from the swap callback, at most `amountIn`; any other venue's
    /// adapter builds the call, which goes to the venue's recorded target only, and what it spent
    /// is measured too.
    function _swapOn(
        uint256 vi,
        Venue memory v,
        Pair memory p,
        uint256 amountIn,
        uint256 minOut,
        bool named
    ) private returns (uint256 received) {
        bool builtIn = v.adapter == address(0);
        bytes memory data = _callData(vi, v, p, amountIn, minOut);
        (uint256 inBefore, uint256 outBefore) = (
            builtIn ? 0 : p.tokenIn.balanceOf(address(this)),
            p.tokenOut.balanceOf(address(this))
        );
        // The call, without copying what it returns (a pool's amounts; the swap is measured instead);
        // a revert passes on as it came.
        address target = v.target;
        assembly ("memory-safe") {
            if iszero(call(gas(), target, 0, add(data, 0x20), mload(data), 0, 0)) {
                let m := mload(0x40)
                returndatacopy(m, 0, returndatasize())
                revert(m, returndatasize())
            }
        }
        // A built-in venue's payee was cleared by its payment: a Uniswap V3 pool's swap always calls back.
        if (!builtIn) {
            uint256 spent = FixedPointMathLib.zeroFloorSub(inBefore, p.tokenIn.balanceOf(address(this)));
            if (spent > amountIn) revert IBallastErrors.VenueOverspent(vi, spent, amountIn);
        }
        received = FixedPointMathLib.zeroFloorSub(p.tokenOut.balanceOf(address(this)), outBefore);
        if (received < minOut) revert IBallastErrors.VenueOutputTooLow(vi, received, minOut);
        if (named) emit VenueSwap(vi, amountIn, received);
    }

    /// @dev The call of one swap on venue `vi`. A built-in venue's is built here, and the pool is
    /// recorded (transient) as the one the callback may pay, at most `amountIn`; an adapter's must go
    /// to the venue's recorded target and send no ETH.
    function _callData(
        uint256 vi,
        Venue memory v,
        Pair memory p,
        uint256 amountIn,
        uint256 minOut
    ) private returns (bytes memory data) {
        if (v.adapter == address(0)) {
            address pool = v.pool;
            address tokenIn = p.tokenIn;
            assembly ("memory-safe") {
                tstore(PAYEE_SLOT, pool)
                tstore(add(PAYEE_SLOT, 1), tokenIn)
                tstore(add(PAYEE_SLOT, 2), amountIn)
            }
            return UniswapV3PoolLib.swapData(p.tokenIn, p.tokenOut, amountIn, address(this));
        }
        address target;
        uint256 value;
        (target, value, data) = IVenueAdapter(v.adapter).swapCall(
            v.pool,
            p.tokenIn,
            p.tokenOut,
            amountIn,
            minOut,
            address(this)
        );
        if (target != v.target || value != 0) revert IBallastErrors.VenueCallRefused(vi, target, value);
    }

    /// @dev Venue `v`'s price for the pair's direction (raw out per raw in, Q128.128).
    function _spotOf(Venue memory v, Pair memory p) private view returns (uint256 priceX128) {
        if (v.adapter == address(0)) (priceX128, ) = UniswapV3PoolLib.spot(v.pool, p.tokenIn, p.tokenOut);
        else priceX128 = IVenueAdapter(v.adapter).spot(v.pool, p.tokenIn, p.tokenOut);
    }

    /// @inheritdoc IVenueModuleExt
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata) external {
        address pool;
        address token;
        uint256 cap;
        assembly ("memory-safe") {
            pool := tload(PAYEE_SLOT)
            token := tload(add(PAYEE_SLOT, 1))
            cap := tload(add(PAYEE_SLOT, 2))
        }
        if (msg.sender != pool || pool == address(0)) revert IBallastErrors.UnexpectedCallback(msg.sender);
        // forge-lint: disable-next-line(unsafe-typecast) -- the positive delta is what the pool is owed
        uint256 owed = uint256(amount0Delta > 0 ? amount0Delta : amount1Delta);
        if (owed > cap) revert IBallastErrors.VenueOverspent(type(uint256).max, owed, cap);
        assembly ("memory-safe") {
            tstore(PAYEE_SLOT, 0) // one payment per swap
        }
        token.safeTransfer(pool, owed);
    }

    /* ---------------------------------------------------------------- THE PREDICATE'S CHECK */

    /// @dev The first leg none of whose venues is within the bound.
    function _check(
        bytes memory cfg,
        address vault,
        uint256 version,
        Leg[] calldata legs,
        uint256[] calldata prices,
        uint256 maxDeviationBps
    ) private view returns (bool, uint256) {
        (Venue[] memory list, , ) = _tableInPlace(vault, version);
        for (uint256 i; i < legs.length; ++i) {
            if (legs[i].amountIn == 0) continue;
            Pair memory p = _pair(cfg, legs[i].asset, legs[i].isSell, prices[legs[i].asset], 0);
            uint256[] memory idx = _venuesBetween(list, p.asset, 0);
            bool any;
            for (uint256 k; k < idx.length && !any; ++k) {
                any = _within(_spotOf(list[idx[k]], p), p.oracleX128, maxDeviationBps);
            }
            if (!any) return (true, p.asset);
        }
        return (false, 0);
    }

    /* ---------------------------------------------------------------- THE LIST */

    /// @inheritdoc IVenueModule
    function initializeVenues(
        address assetTable,
        VenueInput[] calldata inputs,
        uint256 minSplitGainWad
    ) external delegated {
        if (address(this).code.length != 0) revert IBallastErrors.NotInitializing();
        AssetConfig[] memory cfg = abi.decode(SSTORE2.read(assetTable), (AssetConfig[]));
        _write(_checked(inputs, cfg), cfg, minSplitGainWad);
    }

    /// @inheritdoc IVenueModuleExt
    function setVenues(VenueInput[] calldata inputs, uint256 minSplitGainWad) external delegated {
        address owner_;
        assembly ("memory-safe") {
            owner_ := sload(0) // OpenZeppelin Ownable's _owner, kept by the vault's extension
        }
        if (msg.sender != owner_) revert Ownable.OwnableUnauthorizedAccount(msg.sender);
        EngineImmutables memory im = IRebalanceEngineExt(address(this)).extensionImmutables();
        AssetConfig[] memory cfg = abi.decode(SSTORE2.read(im.assetTable), (AssetConfig[]));
        (Venue[] memory old, uint256 oldGain) = _table(address(this), _engine().state.venueVersion);
        Venue[] memory next = _checked(inputs, cfg);
        bool loosens = minSplitGainWad < oldGain;
        for (uint256 i; i < next.length && !loosens; ++i) loosens = !_find(old, old.length, next[i]);
        if (loosens) _gate();
        _revokeUnused(old, next, cfg);
        _write(next, cfg, minSplitGainWad);
    }

    /// @inheritdoc IVenueModuleExt
    function venues() external view delegated returns (Venue[] memory list, uint256 minSplitGainWad) {
        return _table(address(this), _engine().state.venueVersion);
    }

    /// @dev Validates a list against the vault's assets and records each venue's target.
    function _checked(
        VenueInput[] calldata inputs,
        AssetConfig[] memory cfg
    ) private view returns (Venue[] memory list) {
        uint256 n = cfg.length;
        if (inputs.length > MAX_VENUES) revert IBallastErrors.InvalidVenue(MAX_VENUES);
        list = new Venue[](inputs.length);
        for (uint256 i; i < inputs.length; ++i) {
            VenueInput calldata x = inputs[i];
            if (x.asset == 0 || x.asset >= n || x.counter >= n || x.counter == x.asset)
                revert IBallastErrors.InvalidVenue(i);
            Venue memory v = Venue(x.adapter, x.pool, address(0), x.asset, x.counter);
            if (_find(list, i, v)) revert IBallastErrors.InvalidVenue(i);
            if (x.adapter == address(0)) {
                // Built in: one of the factory's Uniswap V3 pools, called directly.
                if (UniswapV3PoolLib.isPool(V3_FACTORY, x.pool, cfg[x.asset].token, cfg[x.counter].token))
                    v.target = x.pool;
            } else {
                try IVenueAdapter(x.adapter).checkPool(x.pool, cfg[x.asset].token, cfg[x.counter].token) {
                    v.target = IVenueAdapter(x.adapter).callTarget(x.pool);
                } catch {
                    v.target = address(0); // refused by its adapter
                }
            }
            if (v.target == address(0)) revert IBallastErrors.InvalidVenue(i);
            list[i] = v;
        }
        for (uint256 a = 1; a < n; ++a) {
            if (_venuesBetween(list, a, 0).length == 0) revert IBallastErrors.NoVenue(a);
        }
    }

    /// @dev Writes `list` as the next table, approves each venue's target for its two tokens.
    function _write(Venue[] memory list, AssetConfig[] memory cfg, uint256 minSplitGainWad) private {
        EngineStorage storage $ = _engine();
        uint32 version = $.state.venueVersion + 1;
        SSTORE2.writeDeterministic(
            abi.encode(list, minSplitGainWad, _anyDirect(list)),
            bytes32(uint256(version))
        );
        $.state.venueVersion = version;
        for (uint256 i; i < list.length; ++i) {
            if (list[i].adapter == address(0)) continue; // a built-in venue is paid from the callback
            cfg[list[i].asset].token.safeApproveWithRetry(list[i].target, type(uint256).max);
            cfg[list[i].counter].token.safeApproveWithRetry(list[i].target, type(uint256).max);
        }
        emit VenuesSet(version, list, minSplitGainWad);
    }

    /// @dev Sets every approval a venue of `old` gave to zero unless a venue of `next` still needs it
    /// (same target, same token).
    function _revokeUnused(Venue[] memory old, Venue[] memory next, AssetConfig[] memory cfg) private {
        for (uint256 i; i < old.length; ++i) {
            if (old[i].adapter == address(0)) continue; // nothing was approved
            for (uint256 side; side < 2; ++side) {
                uint256 asset = side == 0 ? old[i].asset : old[i].counter;
                bool used;
                for (uint256 j; j < next.length && !used; ++j) {
                    used =
                        next[j].target == old[i].target &&
                        (next[j].asset == asset || next[j].counter == asset);
                }
                if (!used) cfg[asset].token.safeApproveWithRetry(old[i].target, 0);
            }
        }
    }

    /// @dev Asset `i`'s token and unit (10 ** decimals), read in place from the asset table's bytes
    /// (`abi.encode(AssetConfig[])`: an offset, the length, then seven words per asset) instead of
    /// decoding the whole table on the hot path.
    function _assetAt(bytes memory cfg, uint256 i) private pure returns (address token, uint256 unit) {
        uint256 c;
        assembly ("memory-safe") {
            c := add(cfg, add(0x60, mul(i, 0xe0)))
        }
        return InPlaceLib.tokenAndUnit(c);
    }

    /// @dev Whether the first `count` venues of `list` include `v` (same adapter, pool and pair, either
    /// way round).
    function _find(Venue[] memory list, uint256 count, Venue memory v) private pure returns (bool) {
        for (uint256 i; i < count; ++i) {
            Venue memory w = list[i];
            if (
                w.adapter == v.adapter &&
                w.pool == v.pool &&
                ((w.asset == v.asset && w.counter == v.counter) ||
                    (w.asset == v.counter && w.counter == v.asset))
            ) return true;
        }
        return false;
    }

    /// @dev Whether `list` has a direct venue (one between two non-quote assets).
    function _anyDirect(Venue[] memory list) private pure returns (bool) {
        for (uint256 i; i < list.length; ++i) if (list[i].counter != 0) return true;
        return false;
    }

    /// @dev Indexes in `list` of the venues that trade `a` against `b` (either way round). With `b` = 0,
    /// the venues that trade `a` against the quote asset: no venue has asset 0 (`_checked` refuses
    /// it), so the reversed pair never matches. For the legs that split and the configuration checks;
    /// the one-venue hot path uses `_venueCount`'s in-place scan instead.
    function _venuesBetween(
        Venue[] memory list,
        uint256 a,
        uint256 b
    ) private pure returns (uint256[] memory idx) {
        idx = new uint256[](list.length);
        uint256 count;
        for (uint256 i; i < list.length; ++i) {
            Venue memory v = list[i];
            if ((v.asset == a && v.counter == b) || (v.asset == b && v.counter == a)) idx[count++] = i;
        }
        assembly ("memory-safe") {
            mstore(idx, count)
        }
    }

    /// @dev How many venues of `list` trade `asset` against the quote asset, and the first one's index;
    /// the one-venue leg needs no more. Every leg scans the whole list (legs × venues), so the scan
    /// reads each venue's two words in place instead of through bounds-checked accesses: `i` stays
    /// below the list's length, and a `Venue` in memory is five words (adapter, pool, target, asset,
    /// counter), each a clean value.
    function _venueCount(
        Venue[] memory list,
        uint256 asset
    ) private pure returns (uint256 count, uint256 first) {
        assembly ("memory-safe") {
            let n := mload(list)
            for {
                let i := 0
            } lt(i, n) {
                i := add(i, 1)
            } {
                let v := mload(add(list, shl(5, add(i, 1))))
                if and(eq(mload(add(v, 0x60)), asset), iszero(mload(add(v, 0x80)))) {
                    if iszero(count) {
                        first := i
                    }
                    count := add(count, 1)
                }
            }
        }
    }

    /// @dev |spot − oracle| / oracle <= maxDeviationBps / BPS, without division.
    function _within(uint256 spot, uint256 oracleX128, uint256 maxDeviationBps) private pure returns (bool) {
        return spot != 0 && spot.dist(oracleX128) * BPS <= oracleX128 * maxDeviationBps;
    }

    /// @dev The venue table `version` of `vault` (empty before the first).
    function _table(
        address vault,
        uint256 version
    ) private view returns (Venue[] memory list, uint256 minGainWad) {
        if (version == 0) return (list, 0);
        (list, minGainWad, ) = abi.decode(
            SSTORE2.read(SSTORE2.predictDeterministicAddress(bytes32(version), vault)),
            (Venue[], uint256, bool)
        );
    }

    /// @dev `_table` for the hot path: the module wrote the table (`abi.encode(Venue[], uint256,
    /// bool)`: an offset, the threshold, whether any venue is direct, the length, then five words per
    /// venue), so each venue is pointed to where it lies in the copy SSTORE2 returns instead of
    /// decoded and copied again.
    function _tableInPlace(
        address vault,
        uint256 version
    ) private view returns (Venue[] memory list, uint256 minGainWad, bool anyDirect) {
        if (version == 0) return (list, 0, false);
        bytes memory t = SSTORE2.read(SSTORE2.predictDeterministicAddress(bytes32(version), vault));
        uint256 n;
        uint256 base;
        assembly ("memory-safe") {
            // abi.encode(list, minGainWad, anyDirect): the head's three words, then the list.
            minGainWad := mload(add(t, 0x40))
            anyDirect := mload(add(t, 0x60))
            n := mload(add(t, 0x80))
            base := add(t, 0xa0)
        }
        uint256 array = InPlaceLib.structArray(base, n, 0xa0); // Venue: 5 words
        assembly ("memory-safe") {
            list := array
        }
    }

    /// @dev A change that adds a venue must have been queued for the change delay (SPEC 3.5), as the
    /// extension's loosening setters must: the queue entry is this call's calldata.
    function _gate() private {
        if (IRebalanceEngineExt(address(this)).changeDelaySeconds() == 0) return;
        ChangeQueueLib.consume(_engine().changeEta);
    }

    /// @dev Whether the vault's reentrancy guard is held (Solady's ReentrancyGuardTransient slot):
    /// the core holds it around `rebalance()` and every flow, the only callers of the execution.
    function _locked() private view returns (bool held) {
        assembly ("memory-safe") {
            held := iszero(iszero(tload(REENTRANCY_GUARD_SLOT)))
        }
    }

    function _engine() private pure returns (EngineStorage storage $) {
        assembly ("memory-safe") {
            $.slot := ENGINE_STORAGE_SLOT
        }
    }
}
