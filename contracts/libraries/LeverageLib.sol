// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {BPS, WAD} from "./ConstantsLib.sol";

/// @title LeverageLib
/// @notice The arithmetic of a collateralised position kept at a target leverage (the leverage vault's
/// job, as Index Coop's FLI does it): collateral C (the underlying supplied), debt D (the quote
/// borrowed), both in quote WAD at oracle prices; equity E = C − D; leverage L = C / E.
/// @dev Trades lose a fraction s (`costBps`: pool fee plus slippage) of the value they move. Levering
/// borrows x of quote, buys and supplies x·(1 − s): C' = C + x(1 − s), D' = D + x. Delevering
/// withdraws y of collateral, sells it and repays y·(1 − s): C' = C − y, D' = D − y(1 − s). Both
/// cost equity s·x (s·y). Rounding leans to safety: leverage, loan-to-value and delever sizes round
/// up; health, lever sizes and withdrawable headroom round down.
library LeverageLib {
    using FixedPointMathLib for uint256;

    /// @notice The position has no equity (debt ≥ collateral): its leverage is undefined.
    error NoEquity(uint256 collateralWad, uint256 debtWad);
    /// @notice A target leverage outside [1, MAX_LEVERAGE_WAD].
    error LeverageOutOfDomain(uint256 targetWad);
    /// @notice A trade cost above MAX_COST_BPS.
    error CostOutOfDomain(uint256 costBps);

    /// @dev Highest target leverage the arithmetic accepts (20×).
    uint256 internal constant MAX_LEVERAGE_WAD = 20e18;
    /// @dev Highest trade cost it accepts (10 %). Delevering also needs L*·s < 1, checked there.
    uint256 internal constant MAX_COST_BPS = 1_000;

    /// @notice L = C / (C − D), WAD, rounded up. Reverts with NoEquity when D ≥ C.
    function leverage(uint256 collateralWad, uint256 debtWad) internal pure returns (uint256) {
        if (debtWad >= collateralWad) revert NoEquity(collateralWad, debtWad);
        return collateralWad.mulDivUp(WAD, collateralWad - debtWad);
    }

    /// @notice D / C in bps, rounded up; 0 without debt, type(uint256).max with debt and no collateral.
    function loanToValueBps(uint256 collateralWad, uint256 debtWad) internal pure returns (uint256) {
        if (debtWad == 0) return 0;
        if (collateralWad == 0) return type(uint256).max;
        return debtWad.mulDivUp(BPS, collateralWad);
    }

    /// @notice Aave's health factor at one liquidation threshold: C·threshold / D, WAD, rounded down;
    /// type(uint256).max without debt. Below 1e18 the position can be liquidated.
    function healthFactor(
        uint256 collateralWad,
        uint256 debtWad,
        uint256 liquidationThresholdBps
    ) internal pure returns (uint256) {
        if (debtWad == 0) return type(uint256).max;
        return collateralWad.mulDiv(liquidationThresholdBps * WAD, debtWad * BPS);
    }

    /// @notice The quote to borrow (and spend on collateral) that lifts leverage to `targetWad`:
    /// x = (L*·E − C) / (1 − s + L*·s), rounded down; 0 when leverage is already at or above it.
    function leverUp(
        uint256 collateralWad,
        uint256 debtWad,
        uint256 targetWad,
        uint256 costBps
    ) internal pure returns (uint256 borrowWad) {
        (uint256 aim, uint256 have) = _aimAndHave(collateralWad, debtWad, targetWad, costBps);
        if (aim <= have) return 0;
        // 1 − s + L*·s in WAD·BPS: (BPS − s)·WAD + L*·s, positive for any s ≤ BPS.
        uint256 denominator = (BPS - costBps) * WAD + targetWad * costBps;
        return (aim - have).mulDiv(BPS, denominator);
    }

    /// @notice The collateral value to withdraw, sell and repay with that brings leverage down to
    /// `targetWad`: y = (C − L*·E) / (1 − L*·s), rounded up and at most what clears the debt
    /// (D / (1 − s)); 0 when leverage is already at or below it. Reverts with CostOutOfDomain when
    /// L*·s ≥ 1: delevering would then cost more equity than it frees.
    function leverDown(
        uint256 collateralWad,
        uint256 debtWad,
        uint256 targetWad,
        uint256 costBps
    ) internal pure returns (uint256 sellWad) {
        (uint256 aim, uint256 have) = _aimAndHave(collateralWad, debtWad, targetWad, costBps);
        if (have <= aim) return 0;
        // 1 − L*·s in WAD·BPS.
        uint256 scaledCost = targetWad * costBps;
        if (scaledCost >= BPS * WAD) revert CostOutOfDomain(costBps);
        sellWad = (have - aim).mulDivUp(BPS, BPS * WAD - scaledCost);
        // Never more than repaying the whole debt takes (the 1× target lands exactly there).
        uint256 clearing = debtWad.mulDivUp(BPS, BPS - costBps);
        if (sellWad > clearing) sellWad = clearing;
    }

    /// @notice The most that may be borrowed and sold (value, WAD) when the sale's proceeds, net of
    /// `costBps`, join the collateral, so that debt after stays within `maxLtvBps` of collateral
    /// after: (D + x)·BPS ≤ m·(C + x·(1 − s)), so x ≤ (m·C − D·BPS)·BPS / (BPS² − m·(BPS − s)).
    /// Rounded down; 0 when debt is already at or above the cap.
    function borrowRoom(
        uint256 collateralWad,
        uint256 debtWad,
        uint256 maxLtvBps,
        uint256 costBps
    ) internal pure returns (uint256) {
        uint256 room = maxLtvBps * collateralWad;
        uint256 owed = debtWad * BPS;
        if (room <= owed) return 0;
        return (room - owed).mulDiv(BPS, BPS * BPS - maxLtvBps * (BPS - costBps));
    }

    /// @notice The collateral value that can be withdrawn before any repayment while debt stays
    /// within `maxLtvBps` of what is left: C − D / maxLtv, rounded down; 0 when none can.
    /// @dev A delever larger than this cannot withdraw first: it repays first (a flash loan of the
    /// quote), which is what keeps the ripcord working at any leverage below liquidation.
    function withdrawable(
        uint256 collateralWad,
        uint256 debtWad,
        uint256 maxLtvBps
    ) internal pure returns (uint256) {
        if (maxLtvBps == 0) return debtWad == 0 ? collateralWad : 0;
        uint256 needed = debtWad.mulDivUp(BPS, maxLtvBps);
        return collateralWad > needed ? collateralWad - needed : 0;
    }

    /// @dev Checks the inputs; returns L*·E and C, both scaled by WAD so they compare (and subtract)
    /// at the target's precision: leverage is below the target exactly when aim > have.
    function _aimAndHave(
        uint256 collateralWad,
        uint256 debtWad,
        uint256 targetWad,
        uint256 costBps
    ) private pure returns (uint256 aim, uint256 have) {
        if (targetWad < WAD || targetWad > MAX_LEVERAGE_WAD) revert LeverageOutOfDomain(targetWad);
        if (costBps > MAX_COST_BPS) revert CostOutOfDomain(costBps);
        if (debtWad >= collateralWad) revert NoEquity(collateralWad, debtWad);
        (aim, have) = (targetWad * (collateralWad - debtWad), collateralWad * WAD);
    }
}
