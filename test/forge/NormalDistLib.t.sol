// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";

import {NormalDistLib} from "../../contracts/libraries/NormalDistLib.sol";

/// @notice Properties of Φ and φ over the whole int256 domain (the differential tests in
/// test/math check values against a 50-digit reference on grids; these check shape everywhere).
contract NormalDistLibTest is Test {
    uint256 private constant WAD = 1e18;
    /// @dev Twice the documented absolute error of Φ (4.4e-17), in wei of WAD.
    uint256 private constant SYMMETRY_TOLERANCE = 100;

    /// @notice Φ lies in [0, 1] and Φ(x) + Φ(−x) = 1 to within the error bound.
    function testFuzz_cdfIsAProbabilityAndSymmetric(int256 x) public pure {
        x = bound(x, -1e40, 1e40);
        uint256 up = NormalDistLib.cdf(x);
        uint256 down = NormalDistLib.cdf(-x);
        assertLe(up, WAD);
        assertApproxEqAbs(up + down, WAD, SYMMETRY_TOLERANCE);
    }

    /// @notice Φ never decreases.
    function testFuzz_cdfIsMonotone(int256 a, int256 b) public pure {
        a = bound(a, -20e18, 20e18);
        b = bound(b, -20e18, 20e18);
        if (a > b) (a, b) = (b, a);
        assertLe(NormalDistLib.cdf(a), NormalDistLib.cdf(b));
    }

    /// @notice φ is even, at most 1/√(2π), and the shared-exponential path agrees with both.
    function testFuzz_pdfIsEvenAndBoundedAndSharedPathAgrees(int256 x) public pure {
        x = bound(x, -1e40, 1e40);
        uint256 p = NormalDistLib.pdf(x);
        assertEq(p, NormalDistLib.pdf(-x));
        assertLe(p, 398_942_280_401_432_678); // 1/√(2π), rounded up
        (uint256 c, uint256 q) = NormalDistLib.cdfAndPdf(x);
        assertEq(c, NormalDistLib.cdf(x));
        assertEq(q, p);
    }
}
