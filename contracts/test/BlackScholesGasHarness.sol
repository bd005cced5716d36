// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {BlackScholesLib} from "../libraries/BlackScholesLib.sol";
import {GreeksLeg} from "./GreeksLeg.sol";

/// @title BlackScholesGasHarness
/// @notice Test-only: measures BlackScholesLib.deltaGamma the way a vault values its book — spot,
///         strikes and expiries prepared up front, then one call per leg from a single loop — and
///         nothing else, so the compiler sees the same call structure a book loop gives it.
contract BlackScholesGasHarness {
    /// @return gasUsed Per leg, the gas of deltaGamma() alone (measured with gasleft()).
    /// @return checksum Sum of the outputs, returned so the optimiser cannot drop the measured work.
    function bookDeltaGamma(
        GreeksLeg[] calldata legs
    ) external view returns (uint256[] memory gasUsed, uint256 checksum) {
        uint256 n = legs.length;
        BlackScholesLib.Spot[] memory spots = new BlackScholesLib.Spot[](n);
        BlackScholesLib.Expiry[] memory expiries = new BlackScholesLib.Expiry[](n);
        BlackScholesLib.Strike[] memory strikes = new BlackScholesLib.Strike[](n);
        for (uint256 i; i < n; ++i) {
            spots[i] = BlackScholesLib.spot(legs[i].spotWad);
            expiries[i] = BlackScholesLib.expiry(
                spots[i],
                legs[i].sigmaWad,
                legs[i].tauSeconds,
                legs[i].rateWad
            );
            strikes[i] = BlackScholesLib.strike(legs[i].strikeWad);
        }
        gasUsed = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            BlackScholesLib.Spot memory s = spots[i];
            BlackScholesLib.Expiry memory e = expiries[i];
            BlackScholesLib.Strike memory k = strikes[i];
            uint256 before = gasleft();
            (uint256 delta, uint256 gamma) = BlackScholesLib.deltaGamma(s, e, k);
            gasUsed[i] = before - gasleft();
            checksum += delta + gamma;
        }
    }

    /// @notice Per leg, the gas of the validating one-shot deltaGamma(S, K, σ, τ, r): no reuse at all.
    function oneShotDeltaGamma(
        GreeksLeg[] calldata legs
    ) external view returns (uint256[] memory gasUsed, uint256 checksum) {
        gasUsed = new uint256[](legs.length);
        for (uint256 i; i < legs.length; ++i) {
            GreeksLeg calldata leg = legs[i];
            uint256 before = gasleft();
            (uint256 delta, uint256 gamma) = BlackScholesLib.deltaGamma(
                leg.spotWad,
                leg.strikeWad,
                leg.sigmaWad,
                leg.tauSeconds,
                leg.rateWad
            );
            gasUsed[i] = before - gasleft();
            checksum += delta + gamma;
        }
    }

    /// @notice Gas of each preparation step, for the benchmark's amortisation table.
    function preparationGas(
        GreeksLeg calldata leg
    ) external view returns (uint256 spotGas, uint256 strikeGas, uint256 expiryGas, uint256 checksum) {
        uint256 before = gasleft();
        BlackScholesLib.Spot memory s = BlackScholesLib.spot(leg.spotWad);
        spotGas = before - gasleft();
        before = gasleft();
        BlackScholesLib.Strike memory k = BlackScholesLib.strike(leg.strikeWad);
        strikeGas = before - gasleft();
        before = gasleft();
        BlackScholesLib.Expiry memory e = BlackScholesLib.expiry(
            s,
            leg.sigmaWad,
            leg.tauSeconds,
            leg.rateWad
        );
        expiryGas = before - gasleft();
        checksum = uint256(s.lnSpotE36) ^ uint256(k.lnStrikeE36) ^ e.volE36 ^ e.gammaFactorE48;
    }
}
