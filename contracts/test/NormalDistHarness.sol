// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {NormalDistLib} from "../libraries/NormalDistLib.sol";

/// @title NormalDistHarness
/// @notice Test-only: exposes NormalDistLib and measures each call's gas with gasleft().
contract NormalDistHarness {
    function cdf(int256 xWad) external pure returns (uint256) {
        return NormalDistLib.cdf(xWad);
    }

    function pdf(int256 xWad) external pure returns (uint256) {
        return NormalDistLib.pdf(xWad);
    }

    function cdfAndPdf(int256 xWad) external pure returns (uint256 cdfWad, uint256 pdfWad) {
        return NormalDistLib.cdfAndPdf(xWad);
    }

    /// @notice Φ, φ and the gas of Φ alone for every x, in one eth_call.
    function cdfBatch(
        int256[] calldata xsWad
    ) external view returns (uint256[] memory cdfsWad, uint256[] memory pdfsWad, uint256[] memory gasUsed) {
        uint256 n = xsWad.length;
        cdfsWad = new uint256[](n);
        pdfsWad = new uint256[](n);
        gasUsed = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            int256 x = xsWad[i];
            uint256 before = gasleft();
            uint256 value = NormalDistLib.cdf(x);
            gasUsed[i] = before - gasleft();
            cdfsWad[i] = value;
            pdfsWad[i] = NormalDistLib.pdf(x);
        }
    }
}
