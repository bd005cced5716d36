// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SD59x18, sd, exp, ln, sqrt} from "@prb/math/src/SD59x18.sol";

import {GreeksLeg} from "../GreeksLeg.sol";
import {GreeksBenchBase} from "./GreeksBenchBase.sol";

/// @title PrbGreeksBench
/// @notice Bench-only: the same formulas as NormalDistLib/BlackScholesLib (Hart 5666 Φ, the same d1,
///         delta and gamma) written on PRB Math's SD59x18 (18-decimal signed fixed point), one-shot per
///         leg with no reuse, as a user of that library would write them. Not used by any vault.
contract PrbGreeksBench is GreeksBenchBase {
    int256 private constant YEAR = 365 days;
    // West (2005) decimals for Hart 5666, as SD59x18.
    int256 private constant P0 = 220.206867912376e18;
    int256 private constant P1 = 221.213596169931e18;
    int256 private constant P2 = 112.079291497871e18;
    int256 private constant P3 = 33.912866078383e18;
    int256 private constant P4 = 6.37396220353165e18;
    int256 private constant P5 = 0.700383064443688e18;
    int256 private constant P6 = 0.0352624965998911e18;
    int256 private constant Q0 = 440.413735824752e18;
    int256 private constant Q1 = 793.826512519948e18;
    int256 private constant Q2 = 637.333633378831e18;
    int256 private constant Q3 = 296.564248779674e18;
    int256 private constant Q4 = 86.7807322029461e18;
    int256 private constant Q5 = 16.064177579207e18;
    int256 private constant Q6 = 1.75566716318264e18;
    int256 private constant Q7 = 0.0883883476483184e18;
    int256 private constant INV_SQRT_2PI = 0.398942280401432678e18;

    function _cdfWad(int256 xWad) internal pure override returns (uint256) {
        (SD59x18 c, ) = _cdfAndExp(sd(xWad));
        return uint256(c.unwrap());
    }

    function _deltaGamma(GreeksLeg calldata leg) internal pure override returns (uint256, uint256) {
        (SD59x18 delta, SD59x18 gamma) = _deltaGammaSd(leg);
        return (uint256(delta.unwrap()), uint256(gamma.unwrap()) * 1e18);
    }

    function _deltaGammaSd(GreeksLeg calldata leg) private pure returns (SD59x18 delta, SD59x18 gamma) {
        SD59x18 s = sd(int256(leg.spotWad));
        SD59x18 sigma = sd(int256(leg.sigmaWad));
        SD59x18 tau = sd((int256(leg.tauSeconds) * 1e18) / YEAR);
        SD59x18 vol = sigma * sqrt(tau);
        SD59x18 d1 =
            (ln(s / sd(int256(leg.strikeWad))) + (sd(leg.rateWad) + (sigma * sigma) / sd(2e18)) * tau) / vol;
        SD59x18 e;
        (delta, e) = _cdfAndExp(d1);
        gamma = (e * sd(INV_SQRT_2PI)) / (s * vol);
    }

    function _cdfAndExp(SD59x18 x) private pure returns (SD59x18 cdf, SD59x18 e) {
        SD59x18 z = x.abs();
        if (z.unwrap() >= 9e18) return (x.unwrap() < 0 ? sd(0) : sd(1e18), sd(0));
        e = exp(-(z * z) / sd(2e18));
        SD59x18 p = sd(P6) * z + sd(P5);
        p = p * z + sd(P4);
        p = p * z + sd(P3);
        p = p * z + sd(P2);
        p = p * z + sd(P1);
        p = p * z + sd(P0);
        SD59x18 q = sd(Q7) * z + sd(Q6);
        q = q * z + sd(Q5);
        q = q * z + sd(Q4);
        q = q * z + sd(Q3);
        q = q * z + sd(Q2);
        q = q * z + sd(Q1);
        q = q * z + sd(Q0);
        SD59x18 tail = (e * p) / q;
        cdf = x.unwrap() < 0 ? tail : sd(1e18) - tail;
    }
}
