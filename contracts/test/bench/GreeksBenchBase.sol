// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {GreeksLeg} from "../GreeksLeg.sol";

/// @title GreeksBenchBase
/// @notice Bench-only: the batch loops every comparison library shares. Each measured call is one
/// implementation's Φ or delta+gamma from WAD inputs to WAD outputs (its own number format's
/// conversions included), with gasleft() around it.
abstract contract GreeksBenchBase {
    /// @return values Φ(x) in WAD. @return unused Zeros (the harnesses' φ column). @return gasUsed Per point.
    function cdfBatch(
        int256[] calldata xs
    ) external view returns (uint256[] memory values, uint256[] memory unused, uint256[] memory gasUsed) {
        values = new uint256[](xs.length);
        unused = new uint256[](xs.length);
        gasUsed = new uint256[](xs.length);
        for (uint256 i; i < xs.length; ++i) {
            uint256 before = gasleft();
            uint256 value = _cdfWad(xs[i]);
            gasUsed[i] = before - gasleft();
            values[i] = value;
        }
    }

    function legBatch(
        GreeksLeg[] calldata legs
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
            (uint256 delta, uint256 gamma) = _deltaGamma(legs[i]);
            gasUsed[i] = before - gasleft();
            (deltasWad[i], gammasE36[i]) = (delta, gamma);
        }
    }

    /// @dev Φ(x), WAD in, WAD out.
    function _cdfWad(int256 xWad) internal pure virtual returns (uint256);

    /// @dev Call delta (WAD) and gamma (×1e36) of one leg, one-shot.
    function _deltaGamma(
        GreeksLeg calldata leg
    ) internal pure virtual returns (uint256 deltaWad, uint256 gammaE36);
}
