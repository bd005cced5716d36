// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ABDKMath64x64} from "abdk-libraries-solidity/ABDKMath64x64.sol";

import {NormalDistLib} from "../../libraries/NormalDistLib.sol";
import {GreeksLeg} from "../GreeksLeg.sol";
import {GreeksBenchBase} from "./GreeksBenchBase.sol";
import {WAD} from "../../libraries/ConstantsLib.sol";

/// @title AbdkGreeksBench
/// @notice Bench-only: the same formulas as NormalDistLib/BlackScholesLib (Hart 5666 Φ, the same d1,
///         delta and gamma) written on ABDK's signed 64.64 binary fixed point, one-shot per leg with no
///         reuse, as a user of that library would write them. Not used by any vault.
contract AbdkGreeksBench is GreeksBenchBase {
    using ABDKMath64x64 for int128;

    int128 private constant ONE = 1 << 64;
    int128 private constant Z_LIMIT = 9 << 64;
    // Hart 5666 in the same 2^-64 basis: NormalDistLib's constants (all < 2^127).
    int128 private constant P0 = int128(int256(NormalDistLib.P0));
    int128 private constant P1 = int128(int256(NormalDistLib.P1));
    int128 private constant P2 = int128(int256(NormalDistLib.P2));
    int128 private constant P3 = int128(int256(NormalDistLib.P3));
    int128 private constant P4 = int128(int256(NormalDistLib.P4));
    int128 private constant P5 = int128(int256(NormalDistLib.P5));
    int128 private constant P6 = int128(int256(NormalDistLib.P6));
    int128 private constant Q0 = int128(int256(NormalDistLib.Q0));
    int128 private constant Q1 = int128(int256(NormalDistLib.Q1));
    int128 private constant Q2 = int128(int256(NormalDistLib.Q2));
    int128 private constant Q3 = int128(int256(NormalDistLib.Q3));
    int128 private constant Q4 = int128(int256(NormalDistLib.Q4));
    int128 private constant Q5 = int128(int256(NormalDistLib.Q5));
    int128 private constant Q6 = int128(int256(NormalDistLib.Q6));
    int128 private constant Q7 = int128(int256(NormalDistLib.Q7));
    int128 private constant INV_SQRT_2PI = int128(int256(NormalDistLib.INV_SQRT_2PI_X64));

    function _cdfWad(int256 xWad) internal pure override returns (uint256) {
        // forge-lint: disable-next-line(unsafe-typecast) -- WAD is a constant
        (int128 c, ) = _cdfAndExp(ABDKMath64x64.divi(xWad, int256(WAD)));
        return c.mulu(WAD);
    }

    function _deltaGamma(GreeksLeg calldata leg) internal pure override returns (uint256, uint256) {
        (int128 delta, int128 gamma) = _deltaGamma64(leg);
        return (delta.mulu(WAD), gamma.mulu(1e36));
    }

    function _deltaGamma64(GreeksLeg calldata leg) private pure returns (int128 delta, int128 gamma) {
        int128 s = ABDKMath64x64.divu(leg.spotWad, WAD);
        int128 sigma = ABDKMath64x64.divu(leg.sigmaWad, WAD);
        int128 tau = ABDKMath64x64.divu(leg.tauSeconds, 365 days);
        int128 vol = sigma.mul(tau.sqrt());
        // forge-lint: disable-next-line(unsafe-typecast) -- WAD is a constant
        int128 drift = ABDKMath64x64.divi(leg.rateWad, int256(WAD)).add(sigma.mul(sigma) >> 1).mul(tau);
        int128 d1 = s.div(ABDKMath64x64.divu(leg.strikeWad, WAD)).ln().add(drift).div(vol);
        int128 e;
        (delta, e) = _cdfAndExp(d1);
        gamma = e.mul(INV_SQRT_2PI).div(s.mul(vol));
    }

    function _cdfAndExp(int128 x) private pure returns (int128 cdf, int128 e) {
        int128 z = x.abs();
        if (z >= Z_LIMIT) return (x < 0 ? int128(0) : ONE, 0);
        e = (-z.mul(z) >> 1).exp();
        int128 p = P6.mul(z).add(P5);
        p = p.mul(z).add(P4);
        p = p.mul(z).add(P3);
        p = p.mul(z).add(P2);
        p = p.mul(z).add(P1);
        p = p.mul(z).add(P0);
        int128 q = Q7.mul(z).add(Q6);
        q = q.mul(z).add(Q5);
        q = q.mul(z).add(Q4);
        q = q.mul(z).add(Q3);
        q = q.mul(z).add(Q2);
        q = q.mul(z).add(Q1);
        q = q.mul(z).add(Q0);
        int128 tail = e.mul(p).div(q);
        cdf = x < 0 ? tail : ONE - tail;
    }
}
