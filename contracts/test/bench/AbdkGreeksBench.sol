// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ABDKMath64x64} from "abdk-libraries-solidity/ABDKMath64x64.sol";

/// @title AbdkGreeksBench
/// @notice Bench-only: the same formulas as NormalDistLib/BlackScholesLib (Hart 5666 Φ, the same d1,
///         delta and gamma) written on ABDK's signed 64.64 binary fixed point, one-shot per leg with no
///         reuse, as a user of that library would write them. Not used by any vault.
contract AbdkGreeksBench {
    using ABDKMath64x64 for int128;

    struct Leg {
        uint256 spotWad;
        uint256 strikeWad;
        uint256 sigmaWad;
        uint256 tauSeconds;
        int256 rateWad;
    }

    uint256 private constant WAD = 1e18;
    int128 private constant ONE = 1 << 64;
    int128 private constant Z_LIMIT = 9 << 64;
    // West (2005) decimals for Hart 5666, × 2^64 (the same binary constants NormalDistLib uses).
    int128 private constant P0 = 4062099735652764000329;
    int128 private constant P1 = 4080670594171652639713;
    int128 private constant P2 = 2067498006223917203771;
    int128 private constant P3 = 625581961353917287603;
    int128 private constant P4 = 117578849504046139487;
    int128 private constant P5 = 12919787143353136591;
    int128 private constant P6 = 650478250178244363;
    int128 private constant Q0 = 8124199471305528000658;
    int128 private constant Q1 = 14643514515380871948050;
    int128 private constant Q2 = 11756730424506726822414;
    int128 private constant Q3 = 5470644798650576484342;
    int128 private constant Q4 = 1600821957476871612086;
    int128 private constant Q5 = 296331772558254578451;
    int128 private constant Q6 = 32386342837845824709;
    int128 private constant Q7 = 1630477228166597029;
    int128 private constant INV_SQRT_2PI = 7359186146747302452;

    function cdfBatch(
        int256[] calldata xs
    ) external view returns (uint256[] memory values, uint256[] memory unused, uint256[] memory gasUsed) {
        values = new uint256[](xs.length);
        unused = new uint256[](xs.length);
        gasUsed = new uint256[](xs.length);
        for (uint256 i; i < xs.length; ++i) {
            uint256 before = gasleft();
            int128 x = ABDKMath64x64.divi(xs[i], int256(WAD));
            (int128 c, ) = _cdfAndExp(x);
            gasUsed[i] = before - gasleft();
            values[i] = c.mulu(WAD);
        }
    }

    function legBatch(
        Leg[] calldata legs
    )
        external
        view
        returns (uint256[] memory deltasWad, uint256[] memory gammasE36, uint256[] memory gasUsed)
    {
        deltasWad = new uint256[](legs.length);
        gammasE36 = new uint256[](legs.length);
        gasUsed = new uint256[](legs.length);
        for (uint256 i; i < legs.length; ++i) {
            uint256 before = gasleft();
            (int128 delta, int128 gamma) = _deltaGamma(legs[i]);
            gasUsed[i] = before - gasleft();
            deltasWad[i] = delta.mulu(WAD);
            gammasE36[i] = gamma.mulu(1e36);
        }
    }

    function _deltaGamma(Leg calldata leg) private pure returns (int128 delta, int128 gamma) {
        int128 s = ABDKMath64x64.divu(leg.spotWad, WAD);
        int128 sigma = ABDKMath64x64.divu(leg.sigmaWad, WAD);
        int128 tau = ABDKMath64x64.divu(leg.tauSeconds, 365 days);
        int128 vol = sigma.mul(tau.sqrt());
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
