// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {ReentrancyGuardTransient} from "solady/src/utils/ReentrancyGuardTransient.sol";
import {SSTORE2} from "solady/src/utils/SSTORE2.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {UniswapV3Adapter} from "../adapters/UniswapV3Adapter.sol";
import {
    AmountSettings,
    AssetConfig,
    EngineSettings,
    EngineState,
    IRebalanceEngine,
    Leg,
    Policy,
    Reason,
    RebalanceStatus
} from "../interfaces/IRebalanceEngine.sol";
import {IUniswapV3PoolMinimal} from "../interfaces/external/IUniswapV3.sol";
import {ChainlinkOracleLib} from "../oracles/ChainlinkOracleLib.sol";
import {ConstantsLib} from "../libraries/ConstantsLib.sol";
import {ErrorsLib} from "../libraries/ErrorsLib.sol";

/// @notice One asset as the deployer names it; everything else is read from the chain.
struct AssetInput {
    address token;
    address feed; // Chainlink feed: numeraire (e.g. USD) per token
    address pool; // Uniswap V3 pool of this asset against the quote asset; zero for the quote asset
    uint32 maxStalenessSeconds;
}

/// @notice Constructor arguments of the engine.
struct EngineInit {
    AssetInput[] assets; // assets[0] is the quote asset
    address router;
    bool routerIs02;
    address sequencerFeed; // L2 sequencer uptime feed, or zero on L1
    uint256 sequencerGraceSeconds;
    address admin;
    address guardian;
    EngineSettings settings;
    AmountSettings amounts;
}

/// @title RebalanceEngine
/// @notice The rebalancing core every Ballast vault is built on: holdings and oracle valuation, one
/// trigger predicate, on-chain trade planning, execution through Uniswap V3 with oracle-bounded
/// minimum outputs, a post-condition, a bounded keeper reward, a circuit breaker, pause and roles.
/// @dev A vault supplies the strategy through two hooks that must be overridden:
///  - `_targetDeltas`: where each asset should go (value to buy or sell, in quote WAD) for the
///    configured mode, the deviation measure, and whether the position is out of its band;
///  - `_deviation`: the same deviation measure for arbitrary values (the post-condition's check).
/// and may override `_afterRebalance` (runs after a successful rebalance, e.g. to emit weights).
/// Asset 0 is the quote asset; every leg trades one other asset against it.
/// Units: prices and values are quote WAD (quote per whole token, 1e18 = 1 quote token); token
/// amounts stay in native decimals; thresholds are bps. Rounding favours the vault everywhere.
abstract contract RebalanceEngine is
    IRebalanceEngine,
    UniswapV3Adapter,
    Ownable2Step,
    ReentrancyGuardTransient
{
    using SafeTransferLib for address;
    using FixedPointMathLib for uint256;

    /// @dev Valuation of the vault at oracle prices (memory only).
    struct Valuation {
        AssetConfig[] cfg;
        uint256[] prices; // quote WAD per whole token; prices[0] = WAD
        uint256[] values; // quote WAD
        uint256 nav; // quote WAD, sum of values
        // Set by `_targetDeltas` when the strategy's own inputs (beyond the assets' feeds) cannot be
        // trusted: the predicate reports it and nothing trades. `Due` (the default) means healthy.
        Reason strategyReason;
        // Strategy scratch value computed by `_targetDeltas` and carried into the post-condition's
        // revaluation (same prices), e.g. an options book's delta, so `_deviation` need not recompute it.
        int256 strategyWad;
    }

    /* ---------------------------------------------------------------- IMMUTABLES */

    /// @notice Number of assets, quote asset included.
    uint256 internal immutable ASSET_COUNT;
    /// @dev SSTORE2 pointer to `abi.encode(AssetConfig[])`: one cold account read instead of 3 slots per asset.
    address internal immutable ASSET_TABLE;
    /// @notice The quote asset (asset 0): shares, NAV, rewards and min trade value are in its units.
    address public immutable QUOTE;
    /// @dev 10 ** quote decimals.
    uint256 internal immutable QUOTE_UNIT;
    /// @notice L2 sequencer uptime feed; zero when the chain has none.
    address public immutable SEQUENCER_FEED;
    /// @notice Time after the sequencer comes back before prices are trusted again.
    uint256 public immutable SEQUENCER_GRACE_SECONDS;

    /* ---------------------------------------------------------------- STORAGE */

    EngineSettings internal _settings;
    AmountSettings internal _amounts;
    EngineState internal _state;
    /// @dev Per-asset staleness limits, packed into one slot.
    uint32[8] internal _maxStalenessSeconds;
    address internal _guardian;

    /* ---------------------------------------------------------------- CONSTRUCTOR */

    constructor(EngineInit memory init) UniswapV3Adapter(init.router, init.routerIs02) Ownable(init.admin) {
        uint256 n = init.assets.length;
        if (n < ConstantsLib.MIN_ASSETS || n > ConstantsLib.MAX_ASSETS) revert ErrorsLib.InvalidAssetCount(n);
        if (init.router == address(0) || init.guardian == address(0)) revert ErrorsLib.ZeroAddress();
        _checkBound(
            "sequencerGraceSeconds",
            init.sequencerGraceSeconds,
            0,
            ConstantsLib.MAX_SEQUENCER_GRACE_SECONDS
        );

        AssetConfig[] memory cfg = new AssetConfig[](n);
        for (uint256 i; i < n; ++i) {
            cfg[i] = _readAssetConfig(i, init.assets, cfg);
            _checkStaleness(init.assets[i].maxStalenessSeconds);
            _maxStalenessSeconds[i] = init.assets[i].maxStalenessSeconds;
        }
        ASSET_COUNT = n;
        ASSET_TABLE = SSTORE2.write(abi.encode(cfg));
        QUOTE = cfg[0].token;
        QUOTE_UNIT = 10 ** cfg[0].decimals;
        SEQUENCER_FEED = init.sequencerFeed;
        SEQUENCER_GRACE_SECONDS = init.sequencerGraceSeconds;

        _guardian = init.guardian;
        _setEngineSettings(init.settings);
        _setAmountSettings(init.amounts);
        emit GuardianSet(init.guardian);
    }

    /* ---------------------------------------------------------------- MODIFIERS */

    modifier onlyGuardianOrOwner() {
        if (msg.sender != _guardian && msg.sender != owner()) revert ErrorsLib.NotGuardian(msg.sender);
        _;
    }

    /* ---------------------------------------------------------------- PERMISSIONLESS */

    /// @inheritdoc IRebalanceEngine
    function rebalance() external nonReentrant returns (uint256 reward) {
        return _rebalance();
    }

    /// @notice Chainlink Automation entry point; `performData` is ignored and the predicate re-checked.
    /// @dev Who: anyone, like `rebalance()` (the registry's forwarder in practice); same protections.
    function performUpkeep(bytes calldata) external nonReentrant {
        _rebalance();
    }

    /* ---------------------------------------------------------------- ONLY ADMIN */

    /// @inheritdoc IRebalanceEngine
    function activate() external onlyOwner nonReentrant {
        if (_state.active) revert ErrorsLib.AlreadyActive();
        AssetConfig[] memory cfg = _assetConfigs();
        for (uint256 i; i < cfg.length; ++i) {
            _probeTransfers(cfg[i].token, probeAmount(i));
            if (i != 0) cfg[i].token.safeApproveWithRetry(ROUTER, type(uint256).max);
        }
        QUOTE.safeApproveWithRetry(ROUTER, type(uint256).max);
        _state.active = true;
        emit Activated();
    }

    /// @inheritdoc IRebalanceEngine
    function unpause() external onlyOwner {
        _state.paused = false;
        emit PausedSet(false, msg.sender);
    }

    /// @inheritdoc IRebalanceEngine
    function setGuardian(address guardian_) external onlyOwner {
        if (guardian_ == address(0)) revert ErrorsLib.ZeroAddress();
        _guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    /// @inheritdoc IRebalanceEngine
    function setEngineSettings(EngineSettings calldata settings) external onlyOwner {
        _setEngineSettings(settings);
    }

    /// @inheritdoc IRebalanceEngine
    function setAmountSettings(AmountSettings calldata settings) external onlyOwner {
        _setAmountSettings(settings);
    }

    /// @inheritdoc IRebalanceEngine
    function setMaxStaleness(uint256 asset, uint256 maxStalenessSeconds) external onlyOwner {
        if (asset >= ASSET_COUNT) revert ErrorsLib.InvalidAssetCount(asset);
        _checkStaleness(maxStalenessSeconds);
        _maxStalenessSeconds[asset] = uint32(maxStalenessSeconds);
        emit StalenessSet(asset, maxStalenessSeconds);
    }

    /* ---------------------------------------------------------------- ONLY GUARDIAN */

    /// @inheritdoc IRebalanceEngine
    function pause() external onlyGuardianOrOwner {
        _state.paused = true;
        emit PausedSet(true, msg.sender);
    }

    /* ---------------------------------------------------------------- VIEWS */

    /// @notice Chainlink Automation (and CRE) check: the trigger predicate's answer.
    /// @return upkeepNeeded True when `rebalance()` would execute now.
    /// @return performData `abi.encode(reason, detail)`, for logs; `performUpkeep` ignores it.
    function checkUpkeep(bytes calldata) external view returns (bool upkeepNeeded, bytes memory performData) {
        (RebalanceStatus memory st, , ) = _assess();
        return (st.reason == Reason.Due, abi.encode(st.reason, st.detail));
    }

    /// @inheritdoc IRebalanceEngine
    function checker() external view returns (bool canExec, bytes memory execPayload) {
        (RebalanceStatus memory st, , ) = _assess();
        if (st.reason == Reason.Due) return (true, abi.encodeCall(IRebalanceEngine.rebalance, ()));
        return (false, abi.encodeWithSelector(ErrorsLib.RebalanceNotDue.selector, st.reason, st.detail));
    }

    /// @inheritdoc IRebalanceEngine
    function rebalanceStatus() external view returns (RebalanceStatus memory st) {
        (st, , ) = _assess();
    }

    /// @inheritdoc IRebalanceEngine
    function pricesWad() external view returns (uint256[] memory) {
        return _valuationOrRevert(false).prices;
    }

    /// @notice The amount of asset `i` that `activate()` moves in and out to probe the token: 1% of one
    /// whole token, at least 1 unit. A fee of 1 bps on it is visible for tokens of 6+ decimals.
    function probeAmount(uint256 i) public view returns (uint256) {
        uint256 unit = 10 ** _assetConfigs()[i].decimals;
        return unit >= 100 ? unit / 100 : 1;
    }

    function assetCount() external view returns (uint256) {
        return ASSET_COUNT;
    }

    function assetConfig(uint256 asset) external view returns (AssetConfig memory) {
        return _assetConfigs()[asset];
    }

    function maxStaleness(uint256 asset) external view returns (uint256) {
        return _maxStalenessSeconds[asset];
    }

    function engineSettings() external view returns (EngineSettings memory) {
        return _settings;
    }

    function amountSettings() external view returns (AmountSettings memory) {
        return _amounts;
    }

    function engineState() external view returns (EngineState memory) {
        return _state;
    }

    function guardian() external view returns (address) {
        return _guardian;
    }

    function paused() external view returns (bool) {
        return _state.paused;
    }

    function active() external view returns (bool) {
        return _state.active;
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

    /// @dev Optional. Runs after a rebalance passed its post-condition (for vault-specific events).
    // solhint-disable-next-line no-empty-blocks
    function _afterRebalance(Valuation memory before, Valuation memory afterwards) internal virtual {}

    /* ---------------------------------------------------------------- TRIGGER PREDICATE */

    /// @dev The one trigger predicate. Everything that asks "is a rebalance due?" calls this.
    /// Order: activation, pause, sequencer, oracles, empty vault, cooldown, circuit breaker, policy,
    /// minimum trade value, pool deviation. Never reverts on a broken feed or pool read of a healthy
    /// shape; it reports the reason instead.
    function _assess()
        internal
        view
        returns (RebalanceStatus memory st, Valuation memory v, EngineSettings memory s)
    {
        EngineState memory state = _state;
        if (!state.active) return (_no(st, Reason.NotActive, 0), v, s);
        if (state.paused) return (_no(st, Reason.Paused, 0), v, s);
        if (SEQUENCER_FEED != address(0)) {
            Reason r = ChainlinkOracleLib.sequencerReason(SEQUENCER_FEED, SEQUENCER_GRACE_SECONDS);
            if (r != Reason.Due) return (_no(st, r, 0), v, s);
        }
        (Reason oracleReason, uint256 badAsset) = _value(v, false);
        if (oracleReason != Reason.Due) return (_no(st, oracleReason, badAsset), v, s);
        st.navWad = v.nav;
        if (v.nav == 0) return (_no(st, Reason.EmptyVault, 0), v, s);

        s = _settings;
        int256[] memory deltas;
        (deltas, st.deviationWad, st.outOfBand) = _targetDeltas(v, s);
        if (v.strategyReason != Reason.Due) return (_no(st, v.strategyReason, 0), v, s);
        (Reason gate, uint256 gateDetail) = _timeGate(st, s, state);
        if (gate != Reason.Due) return (_no(st, gate, gateDetail), v, s);

        st.legs = _planLegs(v, deltas, s);
        if (st.legs.length == 0) return (_no(st, Reason.BelowMinTrade, 0), v, s);
        (bool deviates, uint256 asset) = _poolDeviates(v, st.legs, s.maxPoolDeviationBps);
        if (deviates) {
            st.legs = new Leg[](0);
            return (_no(st, Reason.PoolPriceDeviation, asset), v, s);
        }
        st.reason = Reason.Due;
    }

    /// @dev Cooldown, circuit breaker and policy. Sets `st.nextEligibleAt`; returns `Due` or the reason.
    function _timeGate(
        RebalanceStatus memory st,
        EngineSettings memory s,
        EngineState memory state
    ) private view returns (Reason, uint256) {
        uint256 cooldownEnd = uint256(state.lastRebalanceAt) + s.cooldownSeconds;
        uint256 periodEnd = uint256(state.periodStart) + s.periodSeconds;
        bool breakerTripped =
            block.timestamp < periodEnd &&
                (state.rebalancesInPeriod >= s.maxRebalancesPerPeriod ||
                    state.costBpsInPeriod >= s.maxCostBpsPerPeriod);
        uint256 intervalEnd = uint256(state.lastRebalanceAt) + s.intervalSeconds;
        st.nextEligibleAt = FixedPointMathLib.max(cooldownEnd, breakerTripped ? periodEnd : 0);
        if (s.policy == Policy.Time)
            st.nextEligibleAt = FixedPointMathLib.max(st.nextEligibleAt, intervalEnd);

        if (block.timestamp < cooldownEnd) return (Reason.Cooldown, cooldownEnd);
        if (breakerTripped) return (Reason.CircuitBreaker, periodEnd);
        bool timeDue = s.policy != Policy.Threshold && block.timestamp >= intervalEnd;
        bool bandDue = s.policy != Policy.Time && st.outOfBand;
        if (timeDue || bandDue) return (Reason.Due, 0);
        return s.policy == Policy.Time ? (Reason.IntervalNotElapsed, intervalEnd) : (Reason.WithinBand, 0);
    }

    /// @dev The first leg whose pool spot price is further than `maxDeviationBps` from the oracle.
    function _poolDeviates(
        Valuation memory v,
        Leg[] memory legs,
        uint256 maxDeviationBps
    ) private view returns (bool, uint256) {
        for (uint256 i; i < legs.length; ++i) {
            uint256 a = legs[i].asset;
            AssetConfig memory c = v.cfg[a];
            uint256 spot = _poolSpotPriceWad(c.pool, c.assetIsToken0, 10 ** c.decimals, QUOTE_UNIT);
            // |spot - oracle| / oracle > maxDeviationBps / BPS, without division
            if (spot.dist(v.prices[a]) * ConstantsLib.BPS > v.prices[a] * maxDeviationBps) return (true, a);
        }
        return (false, 0);
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

    /// @dev Turns per-asset value deltas into swap legs: scaled down to `maxTradeBps` of NAV, legs
    /// below `minTradeValue` dropped, sells before buys. Amounts round down, minimum outputs up.
    function _planLegs(
        Valuation memory v,
        int256[] memory deltas,
        EngineSettings memory s
    ) internal view returns (Leg[] memory legs) {
        uint256 n = deltas.length;
        uint256 total;
        for (uint256 i = 1; i < n; ++i) {
            total += FixedPointMathLib.abs(deltas[i]);
        }
        uint256 cap = (v.nav * s.maxTradeBps) / ConstantsLib.BPS;
        uint256 minTradeWad = (uint256(_amounts.minTradeValue) * ConstantsLib.WAD) / QUOTE_UNIT;

        legs = new Leg[](n - 1);
        uint256 count;
        // Two passes: sells (delta < 0) first so their proceeds fund the buys.
        for (uint256 pass; pass < 2; ++pass) {
            for (uint256 i = 1; i < n; ++i) {
                if ((deltas[i] < 0) != (pass == 0)) continue;
                uint256 valueWad = FixedPointMathLib.abs(deltas[i]);
                if (total > cap) valueWad = (valueWad * cap) / total;
                if (valueWad == 0 || valueWad < minTradeWad) continue;
                legs[count++] = _leg(v, uint8(i), pass == 0, valueWad, s.maxSlippageBps);
            }
        }
        assembly ("memory-safe") {
            mstore(legs, count) // shrink to the legs kept
        }
    }

    function _leg(
        Valuation memory v,
        uint8 i,
        bool isSell,
        uint256 valueWad,
        uint256 slippageBps
    ) private view returns (Leg memory leg) {
        uint256 unit = 10 ** v.cfg[i].decimals;
        uint256 price = v.prices[i];
        leg.asset = i;
        leg.isSell = isSell;
        if (isSell) {
            leg.amountIn = valueWad.mulDiv(unit, price);
            leg.valueWad = leg.amountIn.mulDiv(price, unit);
            // quote out >= value * (1 - slippage), rounded up against the pool
            leg.minAmountOut = (leg.valueWad * (ConstantsLib.BPS - slippageBps)).mulDivUp(
                QUOTE_UNIT,
                ConstantsLib.WAD * ConstantsLib.BPS
            );
        } else {
            leg.amountIn = valueWad.mulDiv(QUOTE_UNIT, ConstantsLib.WAD);
            leg.valueWad = leg.amountIn.mulDiv(ConstantsLib.WAD, QUOTE_UNIT);
            leg.minAmountOut = (leg.valueWad * (ConstantsLib.BPS - slippageBps)).mulDivUp(
                unit,
                price * ConstantsLib.BPS
            );
        }
    }

    /* ---------------------------------------------------------------- EXECUTION */

    function _rebalance() internal returns (uint256 reward) {
        (RebalanceStatus memory st, Valuation memory before, EngineSettings memory s) = _assess();
        if (st.reason != Reason.Due) revert ErrorsLib.RebalanceNotDue(st.reason, st.detail);

        uint256 traded;
        for (uint256 i; i < st.legs.length; ++i) {
            traded += _executeLeg(
                st.legs[i],
                before.cfg[st.legs[i].asset].token,
                before.cfg[st.legs[i].asset].poolFee
            );
        }

        // Post-condition: re-value at the same oracle prices (they cannot move within the call).
        Valuation memory afterwards = _revalue(before);
        uint256 deviationAfter = _deviation(afterwards);
        if (deviationAfter >= st.deviationWad)
            revert ErrorsLib.DeviationNotReduced(st.deviationWad, deviationAfter);
        uint256 loss = before.nav > afterwards.nav ? before.nav - afterwards.nav : 0;
        uint256 lossBound = (traded * s.maxSlippageBps) / ConstantsLib.BPS;
        if (loss > lossBound) revert ErrorsLib.NavLossExceeded(loss, lossBound);

        reward = _account(s, loss, before.nav, traded);
        if (reward != 0) QUOTE.safeTransfer(msg.sender, reward);
        _afterRebalance(before, afterwards);
        emit Rebalanced(
            msg.sender,
            before.nav,
            afterwards.nav,
            st.deviationWad,
            deviationAfter,
            traded,
            reward
        );
    }

    /// @dev Executes one leg; a buy spends at most the quote the vault holds (sells ran first).
    /// @return valueWad The oracle value of what was sold.
    function _executeLeg(Leg memory leg, address token, uint24 fee) private returns (uint256 valueWad) {
        (address tokenIn, address tokenOut) = leg.isSell ? (token, QUOTE) : (QUOTE, token);
        uint256 amountIn = leg.amountIn;
        uint256 minOut = leg.minAmountOut;
        valueWad = leg.valueWad;
        if (!leg.isSell) {
            uint256 available = QUOTE.balanceOf(address(this));
            if (available < amountIn) {
                minOut = minOut.mulDivUp(available, amountIn);
                valueWad = valueWad.mulDiv(available, amountIn);
                amountIn = available;
            }
        }
        uint256 amountOut = _swapExactIn(tokenIn, tokenOut, fee, amountIn, minOut);
        emit RebalanceLeg(leg.asset, leg.isSell, amountIn, amountOut, minOut);
    }

    /// @dev Rolls the period, records the rebalance and its cost, and sizes the bounded reward.
    function _account(
        EngineSettings memory s,
        uint256 lossWad,
        uint256 navWad,
        uint256 tradedWad
    ) private returns (uint256 reward) {
        EngineState memory state = _state;
        if (block.timestamp >= uint256(state.periodStart) + s.periodSeconds) {
            state.periodStart = uint40(block.timestamp);
            state.rebalancesInPeriod = 0;
            state.costBpsInPeriod = 0;
            state.rewardPaidInPeriod = 0;
        }
        state.lastRebalanceAt = uint40(block.timestamp);
        state.rebalancesInPeriod += 1;
        // Cost rounds up, so the breaker trips no later than the true cumulative cost says.
        state.costBpsInPeriod += uint32(lossWad.mulDivUp(ConstantsLib.BPS, navWad));

        AmountSettings memory a = _amounts;
        reward = ((tradedWad * s.rewardBps) / ConstantsLib.BPS).mulDiv(QUOTE_UNIT, ConstantsLib.WAD);
        reward = FixedPointMathLib.min(reward, a.maxRewardPerCall);
        uint256 left =
            a.rewardCapPerPeriod > state.rewardPaidInPeriod
                ? a.rewardCapPerPeriod - state.rewardPaidInPeriod
                : 0;
        reward = FixedPointMathLib.min(reward, left);
        reward = FixedPointMathLib.min(reward, QUOTE.balanceOf(address(this)));
        state.rewardPaidInPeriod += uint96(reward);
        _state = state;
    }

    /* ---------------------------------------------------------------- VALUATION */

    /// @dev Reads every feed and balance. `roundUp` values each holding rounded up (deposits price
    /// shares against the larger NAV), else down. Returns the first unhealthy asset's reason.
    function _value(Valuation memory v, bool roundUp) internal view returns (Reason, uint256 badAsset) {
        AssetConfig[] memory cfg = _assetConfigs();
        uint256 n = cfg.length;
        v.cfg = cfg;
        v.prices = new uint256[](n);
        v.values = new uint256[](n);
        uint256 quoteNumeraire;
        for (uint256 i; i < n; ++i) {
            (Reason r, uint256 p) = ChainlinkOracleLib.priceWad(
                cfg[i].feed,
                cfg[i].feedDecimals,
                _maxStalenessSeconds[i]
            );
            if (r != Reason.Due) return (r, i);
            // Feeds quote a shared numeraire (USD); divide by the quote asset's own price.
            if (i == 0) {
                quoteNumeraire = p;
                v.prices[0] = ConstantsLib.WAD;
            } else {
                v.prices[i] =
                    roundUp
                        ? p.mulDivUp(ConstantsLib.WAD, quoteNumeraire)
                        : p.mulDiv(ConstantsLib.WAD, quoteNumeraire);
            }
        }
        _fillValues(v, roundUp);
        return (Reason.Due, 0);
    }

    /// @dev Same prices, fresh balances.
    function _revalue(Valuation memory before) internal view returns (Valuation memory v) {
        v.cfg = before.cfg;
        v.prices = before.prices;
        v.strategyWad = before.strategyWad;
        v.values = new uint256[](before.cfg.length);
        _fillValues(v, false);
    }

    function _fillValues(Valuation memory v, bool roundUp) private view {
        uint256 nav;
        for (uint256 i; i < v.cfg.length; ++i) {
            uint256 bal = v.cfg[i].token.balanceOf(address(this));
            uint256 unit = 10 ** v.cfg[i].decimals;
            uint256 value = roundUp ? bal.mulDivUp(v.prices[i], unit) : bal.mulDiv(v.prices[i], unit);
            v.values[i] = value;
            nav += value;
        }
        v.nav = nav;
    }

    /// @dev Valuation for deposits and withdrawals, which cannot proceed without healthy prices.
    function _valuationOrRevert(bool roundUp) internal view returns (Valuation memory v) {
        if (SEQUENCER_FEED != address(0)) {
            Reason r = ChainlinkOracleLib.sequencerReason(SEQUENCER_FEED, SEQUENCER_GRACE_SECONDS);
            if (r != Reason.Due) revert ErrorsLib.OracleUnhealthy(r, 0);
        }
        (Reason reason, uint256 asset) = _value(v, roundUp);
        if (reason != Reason.Due) revert ErrorsLib.OracleUnhealthy(reason, asset);
    }

    function _assetConfigs() internal view returns (AssetConfig[] memory) {
        return abi.decode(SSTORE2.read(ASSET_TABLE), (AssetConfig[]));
    }

    /* ---------------------------------------------------------------- CONFIGURATION */

    function _readAssetConfig(
        uint256 i,
        AssetInput[] memory inputs,
        AssetConfig[] memory done
    ) private view returns (AssetConfig memory c) {
        AssetInput memory a = inputs[i];
        if (a.token == address(0) || a.feed == address(0)) revert ErrorsLib.InvalidAsset(i, a.token);
        for (uint256 j; j < i; ++j) {
            if (done[j].token == a.token) revert ErrorsLib.InvalidAsset(i, a.token);
        }
        c.token = a.token;
        c.feed = a.feed;
        c.decimals = IERC20Metadata(a.token).decimals();
        c.feedDecimals = IAggregatorDecimals(a.feed).decimals();
        if (c.decimals > ConstantsLib.MAX_DECIMALS) revert ErrorsLib.InvalidDecimals(i, c.decimals);
        if (c.feedDecimals > ConstantsLib.MAX_DECIMALS) revert ErrorsLib.InvalidDecimals(i, c.feedDecimals);
        if (i == 0) {
            if (a.pool != address(0)) revert ErrorsLib.InvalidAsset(0, a.token);
            return c;
        }
        // The pool must pair this asset with the quote asset; its fee is read, not trusted.
        if (a.pool == address(0)) revert ErrorsLib.InvalidPool(i, a.pool);
        address t0 = IUniswapV3PoolMinimal(a.pool).token0();
        address t1 = IUniswapV3PoolMinimal(a.pool).token1();
        address quote = inputs[0].token;
        if (!((t0 == a.token && t1 == quote) || (t0 == quote && t1 == a.token)))
            revert ErrorsLib.InvalidPool(i, a.pool);
        c.pool = a.pool;
        c.poolFee = IUniswapV3PoolMinimal(a.pool).fee();
        c.assetIsToken0 = t0 == a.token;
    }

    /// @dev Moves `amount` in from the admin and back, checking the vault's balance moves by exactly
    /// `amount` both ways. Refuses fee-on-transfer tokens (and tokens that rebase within a call).
    function _probeTransfers(address token, uint256 amount) private {
        uint256 start = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - start;
        if (received != amount) revert ErrorsLib.TransferAmountMismatch(token, amount, received);
        token.safeTransfer(msg.sender, amount);
        uint256 sent = start + amount - token.balanceOf(address(this));
        if (sent != amount) revert ErrorsLib.TransferAmountMismatch(token, amount, sent);
    }

    function _setEngineSettings(EngineSettings memory s) internal {
        _checkBound("maxSlippageBps", s.maxSlippageBps, 1, ConstantsLib.MAX_SLIPPAGE_BPS);
        _checkBound("maxPoolDeviationBps", s.maxPoolDeviationBps, 1, ConstantsLib.MAX_POOL_DEVIATION_BPS);
        _checkBound("maxTradeBps", s.maxTradeBps, ConstantsLib.MIN_TRADE_CAP_BPS, ConstantsLib.BPS);
        _checkBound("bandHysteresisBps", s.bandHysteresisBps, 0, ConstantsLib.MAX_HYSTERESIS_BPS);
        _checkBound("cooldownSeconds", s.cooldownSeconds, 0, ConstantsLib.MAX_COOLDOWN_SECONDS);
        _checkBound(
            "intervalSeconds",
            s.intervalSeconds,
            ConstantsLib.MIN_INTERVAL_SECONDS,
            ConstantsLib.MAX_INTERVAL_SECONDS
        );
        _checkBound(
            "periodSeconds",
            s.periodSeconds,
            ConstantsLib.MIN_PERIOD_SECONDS,
            ConstantsLib.MAX_PERIOD_SECONDS
        );
        _checkBound("maxRebalancesPerPeriod", s.maxRebalancesPerPeriod, 1, type(uint16).max);
        _checkBound("maxCostBpsPerPeriod", s.maxCostBpsPerPeriod, 1, ConstantsLib.MAX_COST_BPS_PER_PERIOD);
        _checkBound("rewardBps", s.rewardBps, 0, ConstantsLib.MAX_REWARD_BPS);
        _settings = s;
        emit EngineSettingsSet(s);
    }

    function _setAmountSettings(AmountSettings memory a) internal {
        _checkBound("rewardCapPerPeriod", a.rewardCapPerPeriod, a.maxRewardPerCall, type(uint80).max);
        _amounts = a;
        emit AmountSettingsSet(a);
    }

    function _checkStaleness(uint256 seconds_) private pure {
        _checkBound(
            "maxStalenessSeconds",
            seconds_,
            ConstantsLib.MIN_STALENESS_SECONDS,
            ConstantsLib.MAX_STALENESS_SECONDS
        );
    }

    function _checkBound(bytes32 parameter, uint256 value, uint256 min, uint256 max) internal pure {
        if (value < min || value > max) revert ErrorsLib.OutOfBounds(parameter, value, min, max);
    }

    /// @dev Solady uses storage for the guard off mainnet by default; every chain we target has
    /// transient storage (Cancun), so use it everywhere.
    function _useTransientReentrancyGuardOnlyOnMainnet() internal pure override returns (bool) {
        return false;
    }
}

/// @dev `decimals()` of a Chainlink aggregator.
interface IAggregatorDecimals {
    function decimals() external view returns (uint8);
}
