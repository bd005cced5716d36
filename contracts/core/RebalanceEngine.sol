// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {IBallastErrors} from "../interfaces/IBallastErrors.sol";
import {IVenueModule, IVenueModuleExt} from "../interfaces/IVenueModule.sol";
import {
    AmountSettings,
    EngineSettings,
    EngineState,
    IRebalanceEngineCore,
    IRebalanceEngineExt,
    Leg,
    Reason,
    RebalanceStatus,
    VaultKind,
    VenueInit
} from "../interfaces/IRebalanceEngine.sol";
import {BPS, WAD} from "../libraries/ConstantsLib.sol";
import {EngineBase, EngineStorage} from "./EngineBase.sol";

/// @title RebalanceEngine
/// @notice The hot half of every Ballast vault (its core): `rebalance()` — execution through Uniswap
/// V3 with oracle-bounded minimum outputs, a post-condition, a bounded keeper reward and the circuit
/// breaker's accounting — and `rebalanceStatus()`, the one authoritative view of the predicate.
/// Every selector the core does not have goes, through `fallback`, to the vault's extension
/// (`EngineExtension`) by DELEGATECALL: Compound III's Comet / CometExt pattern.
/// @dev The core copies its immutables from the extension at construction, so the two halves agree
/// on assets, router and sequencer by construction; then it has the extension write the initial
/// state (`initialize`, through DELEGATECALL, which only a constructor can make). The core holds no
/// admin code: it cannot be reconfigured except through the extension's checked setters.
abstract contract RebalanceEngine is IRebalanceEngineCore, EngineBase {
    using SafeTransferLib for address;
    using FixedPointMathLib for uint256;

    /// @dev The vault's extension: every selector the core lacks is DELEGATECALLed to it.
    address internal immutable EXTENSION;

    /* ---------------------------------------------------------------- CONSTRUCTOR */

    /// @param ext The extension, deployed first with the vault's `EngineInit`; refused unless its
    /// `vaultKind()` is `kind`.
    constructor(address ext, VaultKind kind) EngineBase(IRebalanceEngineExt(ext).extensionImmutables()) {
        if (IRebalanceEngineExt(ext).vaultKind() != kind) revert IBallastErrors.ExtensionMismatch(ext);
        EXTENSION = ext;
    }

    /// @dev Runs the extension's `initialize`, then the venue module's `initializeVenues` with the
    /// params' venues, on this vault's storage. Only a constructor may: both refuse the call once the
    /// vault has code. A revert is passed on as it came.
    function _initializeThroughExtension(bytes memory call, VenueInit memory venues) internal {
        _delegate(EXTENSION, call);
        _delegate(
            VENUE_MODULE,
            abi.encodeCall(
                IVenueModule.initializeVenues,
                (ASSET_TABLE, venues.venues, venues.minSplitGainWad)
            )
        );
    }

    /* ---------------------------------------------------------------- PERMISSIONLESS */

    /// @inheritdoc IRebalanceEngineCore
    function rebalance() external nonReentrant returns (uint256 reward) {
        return _rebalance();
    }

    /// @inheritdoc IRebalanceEngineCore
    function performUpkeep(bytes calldata) external nonReentrant {
        _rebalance();
    }

    /// @notice Everything else — admin, setters, getters, the views that restate the predicate — runs
    /// in the extension, on this vault's storage and with `msg.sender` preserved.
    /// @dev Not payable: no vault function takes ETH. Returns or reverts with the extension's data.
    // solhint-disable-next-line no-complex-fallback
    fallback() external {
        // Uniswap V3's swap callback goes straight to the venue module (a swap is in flight);
        // everything else to the extension, which sends what it lacks (the venue list) on to the module.
        address ext = _fallbackTarget(msg.sig);
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, 0, calldatasize())
            let ok := delegatecall(gas(), ext, m, calldatasize(), 0, 0)
            returndatacopy(m, 0, returndatasize())
            if iszero(ok) {
                revert(m, returndatasize())
            }
            return(m, returndatasize())
        }
    }

    /// @dev Where `fallback` sends `sig`: Uniswap V3's swap callback to the venue module (a swap is
    /// in flight), everything else to the extension. A vault with more delegated code adds its selectors.
    function _fallbackTarget(bytes4 sig) internal view virtual returns (address) {
        return sig == IVenueModuleExt.uniswapV3SwapCallback.selector ? VENUE_MODULE : EXTENSION;
    }

    /* ---------------------------------------------------------------- VIEWS */

    /// @inheritdoc IRebalanceEngineCore
    function rebalanceStatus() external view returns (RebalanceStatus memory st) {
        (st, , ) = _assess(false);
    }

    /// @inheritdoc IRebalanceEngineCore
    function extension() external view returns (address) {
        return EXTENSION;
    }

    /* ---------------------------------------------------------------- EXECUTION */

    function _rebalance() internal returns (uint256 reward) {
        (RebalanceStatus memory st, Valuation memory before, EngineSettings memory s) = _assess(true);
        if (st.reason != Reason.Due) revert IBallastErrors.RebalanceNotDue(st.reason, st.detail);

        uint256 traded = _tradeLegs(before, st.legs, s);

        // Post-condition: re-value at the same oracle prices (they cannot move within the call).
        Valuation memory afterwards = _revalue(before);
        uint256 deviationAfter = _deviation(afterwards);
        if (deviationAfter >= st.deviationWad)
            revert IBallastErrors.DeviationNotReduced(st.deviationWad, deviationAfter);
        uint256 loss = before.nav > afterwards.nav ? before.nav - afterwards.nav : 0;
        uint256 lossBound = (traded * s.maxSlippageBps) / BPS;
        if (loss > lossBound) revert IBallastErrors.NavLossExceeded(loss, lossBound);

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

    /// @dev Runs a rebalance's legs; returns the oracle value traded (quote WAD). A vault with a
    /// lending leg overrides it to borrow or withdraw before the swaps and supply or repay after them.
    function _tradeLegs(
        Valuation memory before,
        Leg[] memory legs,
        EngineSettings memory s
    ) internal virtual returns (uint256 traded) {
        (traded, ) = _executeLegs(legs, before.prices, s.maxPoolDeviationBps);
    }

    /// @dev Sizes the bounded reward and records the rebalance in the breaker's loads (EngineState):
    /// one rebalance, its cost to holders (NAV lost plus the reward, rounded up) and the reward. The
    /// plan was sized to the cost budget left, so the cost load stays within its cap.
    function _account(
        EngineSettings memory s,
        uint256 lossWad,
        uint256 navWad,
        uint256 tradedWad
    ) private returns (uint256 reward) {
        EngineStorage storage $ = _engine();
        EngineState memory state = $.state;
        AmountSettings memory a = $.amounts;
        uint256 period = s.periodSeconds;
        uint256 rewardsFrom = _max(state.rewardsClearAt, block.timestamp);
        reward = ((tradedWad * s.rewardBps) / BPS).mulDiv(QUOTE_UNIT, WAD);
        reward = FixedPointMathLib.min(reward, a.maxRewardPerCall);
        // What the reward load has room for: cap · (now + period − rewardsFrom) / period.
        reward = FixedPointMathLib.min(
            reward,
            (uint256(a.rewardCapPerPeriod) * _sub0(block.timestamp + period, rewardsFrom)) / period
        );
        reward = FixedPointMathLib.min(reward, QUOTE.balanceOf(address(this)));
        if (reward != 0)
            // forge-lint: disable-next-line(unsafe-typecast) -- rewardsFrom <= now + period and the added load is at most one period: a time below 2^40 until year 36812
            state.rewardsClearAt = uint40(rewardsFrom + _ceilDiv(reward * period, a.rewardCapPerPeriod));

        uint256 costWad = lossWad + reward.mulDiv(WAD, QUOTE_UNIT);
        state.lastRebalanceAt = uint40(block.timestamp);
        state.rebalancesClearAt = uint40(
            _max(state.rebalancesClearAt, block.timestamp) + _ceilDiv(period, s.maxRebalancesPerPeriod)
        );
        state.costClearAt = uint40(
            _max(state.costClearAt, block.timestamp) +
                _ceilDiv(costWad * BPS * period, navWad * s.maxCostBpsPerPeriod)
        );
        $.state = state;
    }
}
