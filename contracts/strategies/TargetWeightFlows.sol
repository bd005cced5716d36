// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {Rounding} from "../core/EngineBase.sol";
import {IBallastErrors} from "../interfaces/IBallastErrors.sol";
import {Leg} from "../interfaces/IRebalanceEngine.sol";
import {BPS, WAD} from "../libraries/ConstantsLib.sol";
import {TargetWeightStrategy} from "./TargetWeightStrategy.sol";

/// @title TargetWeightFlows
/// @notice How a target-weight vault's ERC-4626 flows trade (SPEC §6), shared by its core, which
/// executes them, and its extension, which answers the previews: a quote deposit buys the vault's
/// current mix, a quote withdrawal sells a pro-rata slice, every leg oracle-bounded. The previews are
/// each flow's worst case (every leg at its minimum output), computed by the same functions the
/// flows execute, so a preview never promises more than the call gives.
/// @dev Shares handed out are priced against the larger NAV, assets against the smaller, each result
/// rounded against the caller; virtual shares (10 ** offset) and one virtual asset, as in the
/// OpenZeppelin/Solady mitigation of the donation attack. Products stay far inside 256 bits for any
/// real vault (NAV < 1e30 quote WAD, prices <= 1e36 WAD, supplies < 1e40), so `mulDiv` suffices.
abstract contract TargetWeightFlows is TargetWeightStrategy {
    using FixedPointMathLib for uint256;

    /// @dev The share supply plus the virtual shares (core: its own ERC-20 supply).
    function _virtualSupply() internal view virtual returns (uint256);

    /// @dev `previewDeposit`: the quote kept plus every buy at its minimum output, at NAV rounded up.
    function _previewDeposit(Valuation memory v, uint256 assets) internal view returns (uint256) {
        (Leg[] memory legs, uint256 credit) = _depositLegs(v, assets);
        for (uint256 i = 1; i < legs.length; ++i) {
            if (legs[i].amountIn != 0) credit += _credit(v, i, legs[i].minAmountOut, legs[i].amountIn);
        }
        return credit.mulDiv(_virtualSupply(), _quote(v.nav, Rounding.Up) + 1);
    }

    /// @dev `previewRedeem`: the quote slice plus every sale at its minimum output.
    function _previewRedeem(Valuation memory v, uint256 shares) internal view returns (uint256 assets) {
        Leg[] memory legs;
        (legs, assets) = _sliceLegs(v, shares, _virtualSupply());
        assets += _minOuts(legs);
    }

    /// @dev The buys that turn `assets` of quote into the vault's current mix: `assets · value_i / NAV`
    /// of quote for each non-quote asset (entry 0 and assets the vault does not hold stay empty; an
    /// empty vault buys nothing). `credit` starts as the quote kept.
    function _depositLegs(
        Valuation memory v,
        uint256 assets
    ) internal view returns (Leg[] memory legs, uint256 credit) {
        uint256 n = v.values.length;
        legs = new Leg[](n);
        credit = assets;
        if (v.nav == 0) return (legs, credit);
        uint256 slippageBps = _engine().settings.maxSlippageBps;
        for (uint256 i = 1; i < n; ++i) {
            uint256 q = assets.mulDiv(v.values[i], v.nav);
            if (q == 0) continue;
            legs[i] = _flowLeg(v, i, false, q, slippageBps);
            credit -= q;
        }
    }

    /// @dev Quote units `amount` of asset `i` is credited at: its oracle value rounded down, at most `cost`.
    function _credit(
        Valuation memory v,
        uint256 i,
        uint256 amount,
        uint256 cost
    ) internal view returns (uint256) {
        uint256 valueWad = amount.mulDiv(v.prices[i], _unitOf(v, i));
        return FixedPointMathLib.min(cost, valueWad.mulDiv(QUOTE_UNIT, WAD));
    }

    /// @dev What `mint(shares)` takes: the quote owed for the shares at NAV rounded up, grossed up
    /// so that even at every leg's minimum output the credit covers it (plus two units a leg for
    /// rounding).
    function _mintCost(
        Valuation memory v,
        uint256 shares
    ) internal view returns (uint256 assets, uint256 owed) {
        owed = shares.mulDivUp(_quote(v.nav, Rounding.Up) + 1, _virtualSupply());
        if (v.nav == 0) return (owed, owed);
        uint256 worst = v.values[0];
        uint256 slippageBps = _engine().settings.maxSlippageBps;
        for (uint256 i = 1; i < v.values.length; ++i) {
            worst += (v.values[i] * (BPS - slippageBps)) / BPS;
        }
        assets = owed.mulDivUp(v.nav, worst) + 2 * v.values.length;
    }

    /// @dev Sells `num / den` of every non-quote holding, each leg oracle-bounded; `quoteSlice` is the
    /// same fraction of the quote held.
    function _sliceLegs(
        Valuation memory v,
        uint256 num,
        uint256 den
    ) internal view returns (Leg[] memory legs, uint256 quoteSlice) {
        uint256 n = v.balances.length;
        legs = new Leg[](n);
        quoteSlice = v.balances[0].mulDiv(num, den);
        uint256 slippageBps = _engine().settings.maxSlippageBps;
        for (uint256 i = 1; i < n; ++i) {
            uint256 amount = v.balances[i].mulDiv(num, den);
            if (amount != 0) legs[i] = _flowLeg(v, i, true, amount, slippageBps);
        }
    }

    /// @dev The slice a withdrawal of `assets` sells: sized so that, at the pools' fee tiers, its
    /// quote fraction plus the sales bring `assets`.
    function _withdrawLegs(
        Valuation memory v,
        uint256 assets,
        uint256 supply
    ) internal view returns (Leg[] memory legs) {
        uint256 expected = v.values[0];
        for (uint256 i = 1; i < v.values.length; ++i) {
            expected += v.values[i] - (v.values[i] * v.cfg[i].poolFee) / 1e6;
        }
        if (expected == 0) revert IBallastErrors.WithdrawMoreThanMax();
        (legs, ) = _sliceLegs(v, assets.mulDivUp(supply, expected.mulDiv(QUOTE_UNIT, WAD)), supply);
    }

    /// @dev What a withdrawal of `assets` selling `legs` takes out of the vault before the sales'
    /// proceeds come back: the quote paid plus the oracle value of what it sells, rounded up.
    function _withdrawOutflow(
        Valuation memory v,
        Leg[] memory legs,
        uint256 assets
    ) internal view returns (uint256 outflow) {
        outflow = assets;
        for (uint256 i = 1; i < legs.length; ++i) {
            if (legs[i].amountIn != 0) {
                outflow += legs[i].amountIn.mulDivUp(v.prices[i] * QUOTE_UNIT, WAD * _unitOf(v, i));
            }
        }
    }

    /// @dev Shares a withdrawal burns: the oracle value the vault lost (`outflow` less the sales'
    /// `proceeds`), at NAV rounded down.
    function _withdrawShares(
        Valuation memory v,
        uint256 outflow,
        uint256 proceeds,
        uint256 supply
    ) internal view returns (uint256) {
        return outflow.zeroFloorSub(proceeds).mulDivUp(supply, _quote(v.nav, Rounding.Down) + 1);
    }

    function _previewWithdraw(
        Valuation memory v,
        uint256 assets,
        uint256 supply
    ) internal view returns (uint256) {
        Leg[] memory legs = _withdrawLegs(v, assets, supply);
        return _withdrawShares(v, _withdrawOutflow(v, legs, assets), _minOuts(legs), supply);
    }

    /// @dev A flow's leg of `amountIn` (asset units selling, quote units buying), oracle-bounded.
    function _flowLeg(
        Valuation memory v,
        uint256 i,
        bool isSell,
        uint256 amountIn,
        uint256 slippageBps
    ) internal view returns (Leg memory) {
        return _legOf(i, isSell, amountIn, _unitOf(v, i), v.prices[i], slippageBps);
    }

    function _minOuts(Leg[] memory legs) internal pure returns (uint256 sum) {
        for (uint256 i = 1; i < legs.length; ++i) {
            sum += legs[i].minAmountOut;
        }
    }

    /// @dev A quote-WAD value in quote units, rounded the given way.
    function _quote(uint256 valueWad, Rounding rounding) internal view returns (uint256) {
        return
            rounding == Rounding.Up ? valueWad.mulDivUp(QUOTE_UNIT, WAD) : valueWad.mulDiv(QUOTE_UNIT, WAD);
    }
}
