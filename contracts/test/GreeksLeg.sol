// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice One option leg as the Greeks harnesses and benches take it (test-only).
struct GreeksLeg {
    uint256 spotWad;
    uint256 strikeWad;
    uint256 sigmaWad;
    uint256 tauSeconds;
    int256 rateWad;
}
