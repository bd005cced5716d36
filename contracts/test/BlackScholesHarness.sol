// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {BlackScholesLib} from "../libraries/BlackScholesLib.sol";
import {GreeksLeg} from "./GreeksLeg.sol";

/// @title BlackScholesHarness
/// @notice Test-only: exposes BlackScholesLib and measures the per-leg gas with gasleft().
contract BlackScholesHarness {
    struct LegResult {
        uint256 callDeltaWad;
        uint256 gammaE36;
        int256 d1Wad; // 0 when expired
        uint256 callWad;
        uint256 putWad;
        uint256 vegaWad;
    }

    function spot(uint256 spotWad) external pure returns (BlackScholesLib.Spot memory) {
        return BlackScholesLib.spot(spotWad);
    }

    function strike(uint256 strikeWad) external pure returns (BlackScholesLib.Strike memory) {
        return BlackScholesLib.strike(strikeWad);
    }

    function expiry(
        uint256 spotWad,
        uint256 sigmaWad,
        uint256 tauSeconds,
        int256 rateWad
    ) external pure returns (BlackScholesLib.Expiry memory) {
        return BlackScholesLib.expiry(BlackScholesLib.spot(spotWad), sigmaWad, tauSeconds, rateWad);
    }

    /// @notice The one-shot entry point that validates every input.
    function deltaGamma(
        GreeksLeg calldata leg
    ) external pure returns (uint256 callDeltaWad, uint256 gammaE36) {
        return
            BlackScholesLib.deltaGamma(leg.spotWad, leg.strikeWad, leg.sigmaWad, leg.tauSeconds, leg.rateWad);
    }

    /// @notice The validating one-shot entry point for every leg, in one eth_call.
    function oneShotBatch(
        GreeksLeg[] calldata legs
    ) external pure returns (uint256[] memory callDeltasWad, uint256[] memory gammasE36) {
        callDeltasWad = new uint256[](legs.length);
        gammasE36 = new uint256[](legs.length);
        for (uint256 i; i < legs.length; ++i) {
            GreeksLeg calldata leg = legs[i];
            (callDeltasWad[i], gammasE36[i]) = BlackScholesLib.deltaGamma(
                leg.spotWad,
                leg.strikeWad,
                leg.sigmaWad,
                leg.tauSeconds,
                leg.rateWad
            );
        }
    }

    /// @notice ln(a/b) × 1e36 at full precision, for each pair.
    function lnRatioBatch(
        uint256[] calldata a,
        uint256[] calldata b
    ) external pure returns (int256[] memory lnE36) {
        lnE36 = new int256[](a.length);
        for (uint256 i; i < a.length; ++i) lnE36[i] = BlackScholesLib.lnRatioE36(a[i], b[i]);
    }

    function d1Wad(GreeksLeg calldata leg) external pure returns (int256) {
        (
            BlackScholesLib.Spot memory s,
            BlackScholesLib.Expiry memory e,
            BlackScholesLib.Strike memory k
        ) = _prepare(leg);
        return BlackScholesLib.d1Wad(s, e, k);
    }

    function putDeltaWad(uint256 callDeltaWad) external pure returns (int256) {
        return BlackScholesLib.putDeltaWad(callDeltaWad);
    }

    /// @notice Call delta and gamma for every leg (prepared per leg), in one eth_call.
    function deltaGammaBatch(
        GreeksLeg[] calldata legs
    ) external pure returns (uint256[] memory callDeltasWad, uint256[] memory gammasE36) {
        callDeltasWad = new uint256[](legs.length);
        gammasE36 = new uint256[](legs.length);
        for (uint256 i; i < legs.length; ++i) {
            (
                BlackScholesLib.Spot memory s,
                BlackScholesLib.Expiry memory e,
                BlackScholesLib.Strike memory k
            ) = _prepare(legs[i]);
            (callDeltasWad[i], gammasE36[i]) = BlackScholesLib.deltaGamma(s, e, k);
        }
    }

    /// @notice Every output for every leg, in one eth_call.
    function evaluate(GreeksLeg[] calldata legs) external pure returns (LegResult[] memory results) {
        results = new LegResult[](legs.length);
        for (uint256 i; i < legs.length; ++i) {
            (
                BlackScholesLib.Spot memory s,
                BlackScholesLib.Expiry memory e,
                BlackScholesLib.Strike memory k
            ) = _prepare(legs[i]);
            LegResult memory r = results[i];
            (r.callDeltaWad, r.gammaE36) = BlackScholesLib.deltaGamma(s, e, k);
            if (e.tauSeconds != 0) r.d1Wad = BlackScholesLib.d1Wad(s, e, k);
            (r.callWad, r.putWad) = BlackScholesLib.prices(s, e, k);
            r.vegaWad = BlackScholesLib.vega(s, e, k);
        }
    }

    function _prepare(
        GreeksLeg calldata leg
    )
        private
        pure
        returns (
            BlackScholesLib.Spot memory s,
            BlackScholesLib.Expiry memory e,
            BlackScholesLib.Strike memory k
        )
    {
        s = BlackScholesLib.spot(leg.spotWad);
        e = BlackScholesLib.expiry(s, leg.sigmaWad, leg.tauSeconds, leg.rateWad);
        k = BlackScholesLib.strike(leg.strikeWad);
    }
}
