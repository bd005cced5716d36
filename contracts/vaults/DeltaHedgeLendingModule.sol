// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {EngineBase} from "../core/EngineBase.sol";
import {IBallastErrors} from "../interfaces/IBallastErrors.sol";
import {
    HedgeStatus,
    IDeltaHedgeLendingModule,
    IDeltaHedgeLendingVaultExt
} from "../interfaces/IDeltaHedgeVault.sol";
import {ILendingAdapter, LendingInit} from "../interfaces/ILendingAdapter.sol";
import {IRebalanceEngineExt, Leg} from "../interfaces/IRebalanceEngine.sol";
import {BPS, WAD} from "../libraries/ConstantsLib.sol";
import {DeltaHedgeLendingStrategy} from "../strategies/DeltaHedgeLendingStrategy.sol";

/// @title DeltaHedgeLendingModule
/// @notice A `DeltaHedgeLendingVault`'s trades with their lending steps, and its `hedgeStatus()`.
/// Deployed once per vault from the vault's extension (so its immutables are the vault's) and reached
/// only by DELEGATECALL from the vault's core: it runs on the vault's storage and balances. Called
/// directly it refuses (NotDelegated).
/// @dev Its own module rather than the core, which the lending steps would push past the 4,096-byte
/// headroom under EIP-170: a rebalance pays one DELEGATECALL more (≈ 3,000 gas with its calldata).
contract DeltaHedgeLendingModule is IDeltaHedgeLendingModule, DeltaHedgeLendingStrategy {
    using FixedPointMathLib for uint256;
    using SafeTransferLib for address;

    address private immutable SELF;

    /// @param ext The vault's `DeltaHedgeLendingVaultExt`: this module takes its immutables and market.
    constructor(
        address ext
    )
        EngineBase(IRebalanceEngineExt(ext).extensionImmutables())
        DeltaHedgeLendingStrategy(IDeltaHedgeLendingVaultExt(ext).lending())
    {
        SELF = address(this);
    }

    modifier delegated() {
        if (address(this) == SELF) revert IBallastErrors.NotDelegated();
        _;
    }

    /// @inheritdoc IDeltaHedgeLendingModule
    function moduleConfig() external view returns (address, LendingInit memory) {
        return (ASSET_TABLE, LendingInit(LENDING_ADAPTER, LENDING_MARKET));
    }

    /// @inheritdoc IDeltaHedgeLendingModule
    /// @dev A sell beyond the underlying held supplies the quote held as collateral (unless it is
    /// dust against the quote: at most 1 % of it, which the borrow's sizing left room for), borrows the
    /// rest, sells, and supplies the proceeds (all but the keeper's reward). A buy withdraws what the
    /// quote held does not cover, up to what is supplied (the predicate sized it within what the
    /// market lets out), buys, and repays with all it holds of the underlying; once the debt is
    /// cleared the collateral comes back to the vault's balance. Every market call is checked by the market itself; the core's
    /// post-condition then checks deviation, NAV and the LTV cap on the position it is left with.
    function tradeLegs(
        Leg[] calldata legs,
        uint256[] calldata prices,
        uint256 quoteBeforeWad,
        uint256 debtBeforeWad,
        uint256 rewardBps,
        uint256 maxPoolDeviationBps
    ) external delegated returns (uint256 traded) {
        Leg memory leg = legs[0]; // two assets: one leg
        traded = leg.valueWad;
        uint256 reserve = FixedPointMathLib.min(
            ((traded * rewardBps) / BPS).mulDiv(QUOTE_UNIT, WAD),
            _engine().amounts.maxRewardPerCall
        );
        if (leg.isSell) {
            uint256 held = UNDERLYING.balanceOf(address(this));
            bool borrows = leg.amountIn > held;
            if (borrows) {
                // Collateral first, unless what is held is within the 1 % margin the predicate kept
                // under the market's LTV (then the collateral already supplied carries the borrow).
                if (
                    debtBeforeWad == 0 ||
                    QUOTE.balanceOf(address(this)).mulDiv(WAD * BPS, QUOTE_UNIT) >
                        quoteBeforeWad * WITHDRAW_MARGIN_BPS
                ) _supplyQuoteBut(0);
                _lend(ILendingAdapter.borrowCall.selector, UNDERLYING, leg.amountIn - held);
            }
            _executeLegs(legs, prices, maxPoolDeviationBps);
            if (borrows || debtBeforeWad != 0) _supplyQuoteBut(reserve);
        } else {
            uint256 need = leg.amountIn + reserve;
            uint256 wallet = QUOTE.balanceOf(address(this));
            // The quote supplied, from the valuation (quote units convert to WAD and back exactly);
            // a buy without any (a vault that never went short) withdraws nothing.
            uint256 supplied = _sub0(quoteBeforeWad.mulDiv(QUOTE_UNIT, WAD), wallet);
            if (need > wallet && supplied != 0)
                _lend(
                    ILendingAdapter.withdrawCall.selector,
                    QUOTE,
                    FixedPointMathLib.min(need - wallet, supplied)
                );
            _executeLegs(legs, prices, maxPoolDeviationBps);
            if (debtBeforeWad != 0) {
                _lend(ILendingAdapter.repayCall.selector, UNDERLYING, UNDERLYING.balanceOf(address(this)));
                // The market took less than was held: the debt is cleared, the collateral comes home
                // (unless a liquidation took it all).
                if (UNDERLYING.balanceOf(address(this)) != 0 && supplied != 0)
                    _lend(ILendingAdapter.withdrawCall.selector, QUOTE, type(uint256).max);
            }
        }
    }

    /// @inheritdoc IDeltaHedgeLendingModule
    function hedgeStatus() external view delegated returns (HedgeStatus memory) {
        return _hedgeStatus();
    }

    /// @dev Supplies the quote held beyond `reserve` (kept for the keeper's reward).
    function _supplyQuoteBut(uint256 reserve) private {
        uint256 held = QUOTE.balanceOf(address(this));
        if (held > reserve) _lend(ILendingAdapter.supplyCall.selector, QUOTE, held - reserve);
    }
}
