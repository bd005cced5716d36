// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {NormalDistLib} from "./NormalDistLib.sol";
import {WAD} from "./ConstantsLib.sol";

/// @title BlackScholesLib
/// @notice Black-Scholes Greeks of European options (no dividends) in fixed point, built for books:
///         the work that does not depend on the leg is done once and reused.
/// @dev Model: d1 = (ln(S/K) + (r + σ²/2)τ) / (σ√τ), call delta N(d1), put delta N(d1) − 1,
///      gamma φ(d1)/(S σ√τ), vega S φ(d1) √τ, call S N(d1) − K e^{−rτ} N(d2), d2 = d1 − σ√τ.
///
///      Units. S, K: quote per underlying, WAD. σ: annualised, WAD (0.8e18 = 80%). r: annual,
///      continuously compounded, WAD, may be negative. τ: seconds, over a 365-day year. Delta: WAD,
///      call delta in [0, 1e18]. Gamma: per unit of quote price, scaled by 1e36 (`gammaE36`) — WAD
///      cannot carry 1e-12 relative precision for a leg with S = 1e5 and σ√τ = 4 (γ ≈ 2e-12).
///
///      Reuse. `spot()` runs once per call (ln S), `strike()` once per strike (ln K, store it with the
///      leg), `expiry()` once per (expiry, σ, r) per call (σ√τ, the drift, the gamma factor). The
///      per-leg work in `deltaGamma()` is then one exponential, two polynomials and four divisions.
///      The preparers validate the domain; the per-leg functions trust their (memory) inputs.
///
///      Precision of d1. ln(S/K) = ln S − ln K carries Solady's lnWad error (≤ 1.04 wei each,
///      measured), which the division by σ√τ amplifies into delta by φ(d1)·2.1e-18/σ√τ. That is
///      ≤ 0.242·2.1e-18/|ln(S/K)| (the worst σ√τ puts d1 at 1) and ≤ 0.4·2.1e-18/σ√τ, so ≤ 8.5e-18
///      when |ln(S/K)| ≥ 0.06 or σ√τ ≥ 0.1. Inside both (near the money and short-dated), ln(S/K) is
///      computed instead as 2·atanh((S−K)/(S+K)) by its series to s^11 in 1e-36 fixed point (|s| <
///      0.03, truncation < 4.2e-20 relative, < 1.1e-20 in delta), so at-the-money legs with σ√τ down
///      to 1.8e-7 keep the 1e-16 bound. σ√τ and the drift are kept at 1e-36, d1 in the 2^-64 basis.
///
///      Error bounds over the domain (measured against a 50-digit reference; the tests assert them):
///      delta |Δ − Δ_exact| ≤ 1e-16; gamma relative ≤ 1e-12 where φ(d1) ≥ 1e-6 (absolute ≤ 2 wei of
///      φ / (Sσ√τ) elsewhere); prices ≤ (S + K)·1e-16 absolute; vega ≤ (1 + S√τ)·3e-18 absolute
///      (a WAD output: one wei is its floor).
///
///      At and past expiry (τ = 0): delta is intrinsic — 1, ½, 0 for S >, =, < K (½ is the τ → 0
///      limit at the money) — gamma and vega are 0 and prices are intrinsic.
library BlackScholesLib {
    /// @dev The high-precision scale of σ√τ, the drift term, ln(S/K) and gamma.
    uint256 internal constant E36 = 1e36;
    uint256 internal constant SECONDS_PER_YEAR = 365 days;

    /// @dev Domain. Prices 1e-4 to 1e12 quote per underlying.
    uint256 internal constant MIN_PRICE_WAD = 1e14;
    uint256 internal constant MAX_PRICE_WAD = 1e30;
    /// @dev Volatility 0.1% to 1,000% a year.
    uint256 internal constant MIN_SIGMA_WAD = 1e15;
    uint256 internal constant MAX_SIGMA_WAD = 1e19;
    /// @dev Time to expiry 0 (expired) to 10 years.
    uint256 internal constant MAX_TAU_SECONDS = 10 * SECONDS_PER_YEAR;
    /// @dev Rate −100% to +100% a year.
    int256 internal constant MAX_ABS_RATE_WAD = 1e18;

    /// @dev Below |ln S − ln K| = 0.06 (|S/K − 1| ≲ 6%) and σ√τ = 0.1 both, ln(S/K) comes from the atanh
    ///      series rather than the two stored logarithms, whose ±2.1 wei would cost more than 8.5e-18
    ///      of delta there (see the library header).
    int256 internal constant LN_NEAR_MONEY_WAD = 0.06e18;
    uint256 internal constant VOL_SERIES_LIMIT_E36 = 0.1e36;
    /// @dev 1/√(2π) × 1e36, rounded to nearest.
    uint256 internal constant INV_SQRT_2PI_E36 = 398942280401432677939946059934381868;

    /// @notice The spot price is outside [MIN_PRICE_WAD, MAX_PRICE_WAD].
    error SpotOutOfDomain(uint256 spotWad);
    /// @notice The strike is outside [MIN_PRICE_WAD, MAX_PRICE_WAD].
    error StrikeOutOfDomain(uint256 strikeWad);
    /// @notice The volatility is outside [MIN_SIGMA_WAD, MAX_SIGMA_WAD].
    error VolatilityOutOfDomain(uint256 sigmaWad);
    /// @notice The time to expiry exceeds MAX_TAU_SECONDS (or is 0 where d1 is asked for).
    error TimeToExpiryOutOfDomain(uint256 tauSeconds);
    /// @notice |rate| exceeds MAX_ABS_RATE_WAD.
    error RateOutOfDomain(int256 rateWad);

    /// @notice Per-call spot data. Build with `spot()`.
    struct Spot {
        uint256 spotWad;
        int256 lnSpotWad; // ln S, Solady lnWad (≤ 1 wei)
    }

    /// @notice Per-strike data. Build with `strike()` once and store it beside the leg.
    struct Strike {
        uint256 strikeWad;
        int256 lnStrikeWad; // ln K, Solady lnWad (≤ 1 wei)
    }

    /// @notice Per-(expiry, σ, r) data for one spot. Build with `expiry()`.
    struct Expiry {
        uint256 tauSeconds; // 0 = at or past expiry
        int256 rateWad;
        uint256 sqrtTauE27; // √(τ in years) × 1e27, floored
        uint256 volE36; // σ√τ × 1e36, floored; 1 when expired
        int256 driftE36; // (r + σ²/2)·τ × 1e36, truncated toward 0
        uint256 gammaFactorE48; // 1e48 / (√(2π)·S·σ√τ), floored (0 when expired): gammaE36 = e^{−d1²/2}[WAD] × this / 1e30
    }

    // ----------------------------------------------------------------------------------------------
    // Preparation (validates the domain)
    // ----------------------------------------------------------------------------------------------

    /// @notice Validates S and computes ln S once for every leg priced at this spot.
    function spot(uint256 spotWad) internal pure returns (Spot memory s) {
        if (spotWad < MIN_PRICE_WAD || spotWad > MAX_PRICE_WAD) revert SpotOutOfDomain(spotWad);
        s.spotWad = spotWad;
        // spotWad ≤ 1e30 < 2^255.
        // forge-lint: disable-next-line(unsafe-typecast) -- spotWad is within the documented domain (<= 1e30), checked above: it fits int256
        s.lnSpotWad = FixedPointMathLib.lnWad(int256(spotWad));
    }

    /// @notice Validates K and computes ln K, to be stored with the leg.
    function strike(uint256 strikeWad) internal pure returns (Strike memory k) {
        if (strikeWad < MIN_PRICE_WAD || strikeWad > MAX_PRICE_WAD) revert StrikeOutOfDomain(strikeWad);
        k.strikeWad = strikeWad;
        // forge-lint: disable-next-line(unsafe-typecast) -- strikeWad is within the documented domain (<= 1e30), checked above: it fits int256
        k.lnStrikeWad = FixedPointMathLib.lnWad(int256(strikeWad));
    }

    /// @notice Validates σ, τ and r and computes σ√τ, the drift (r + σ²/2)τ and the gamma factor.
    /// @param s The spot the expiry is priced at (the gamma factor depends on it).
    /// @param tauSeconds Seconds to expiry; callers pass 0 at or past expiry (e.g. a saturating
    ///        `expiry - block.timestamp`).
    function expiry(
        Spot memory s,
        uint256 sigmaWad,
        uint256 tauSeconds,
        int256 rateWad
    ) internal pure returns (Expiry memory e) {
        if (sigmaWad < MIN_SIGMA_WAD || sigmaWad > MAX_SIGMA_WAD) revert VolatilityOutOfDomain(sigmaWad);
        if (tauSeconds > MAX_TAU_SECONDS) revert TimeToExpiryOutOfDomain(tauSeconds);
        if (rateWad > MAX_ABS_RATE_WAD || rateWad < -MAX_ABS_RATE_WAD) revert RateOutOfDomain(rateWad);
        e.tauSeconds = tauSeconds;
        e.rateWad = rateWad;
        if (tauSeconds == 0) {
            // At or past expiry: the smallest σ√τ makes d1 = ln(S/K)·1e36 — beyond ±9 for any S ≠ K in
            // the domain (|ln(S/K)| ≥ 1e-30 there), exactly 0 for S = K — and a zero gamma factor
            // zeroes gamma, so deltaGamma() needs no branch for expired legs.
            e.volE36 = 1;
            return e;
        }
        unchecked {
            // τ ≤ 3.2e8 s: τ·1e54 < 2^210.
            e.sqrtTauE27 = FixedPointMathLib.sqrt((tauSeconds * 1e54) / SECONDS_PER_YEAR);
            // σ ≤ 1e19, √τ ≤ 3.2e27: product < 2^115.
            e.volE36 = (sigmaWad * e.sqrtTauE27) / 1e9;
            // (2r + σ²) in 1e36 ≤ 1.02e38, times τ < 2^157; exact until the one division.
            // forge-lint: disable-next-line(unsafe-typecast) -- WAD and sigma^2 (sigma <= MAX_SIGMA_WAD) are far below 2^255
            int256 twiceRatePlusVariance = rateWad * 2 * int256(WAD) + int256(sigmaWad * sigmaWad);
            // forge-lint: disable-next-line(unsafe-typecast) -- tauSeconds <= MAX_TAU_SECONDS and the year are small constants
            e.driftE36 = (twiceRatePlusVariance * int256(tauSeconds)) / int256(2 * SECONDS_PER_YEAR);
        }
        // S·σ√τ ≤ 1e30·3.2e37; the numerator needs 512 bits, hence fullMulDiv (once per expiry).
        e.gammaFactorE48 = FixedPointMathLib.fullMulDiv(INV_SQRT_2PI_E36, 1e66, s.spotWad * e.volE36);
    }

    // ----------------------------------------------------------------------------------------------
    // Per leg
    // ----------------------------------------------------------------------------------------------

    /// @notice Call delta and gamma of one leg: the hot path of a book's valuation.
    /// @return callDeltaWad N(d1) in WAD, in [0, 1e18] (put delta = callDeltaWad − 1e18); |error| ≤ 1e-16.
    /// @return gammaE36 φ(d1)/(S σ√τ) × 1e36, floored; relative error ≤ 1e-12 where φ(d1) ≥ 1e-6.
    function deltaGamma(
        Spot memory s,
        Expiry memory e,
        Strike memory k
    ) internal pure returns (uint256 callDeltaWad, uint256 gammaE36) {
        // Field reads by offset: this is the per-leg hot path, and the compiler's struct accessors
        // cost more than the arithmetic around them. Layouts: Spot {spotWad, lnSpotWad}, Strike
        // {strikeWad, lnStrikeWad}, Expiry {tauSeconds, rateWad, sqrtTauE27, volE36, driftE36,
        // gammaFactorE48}.
        int256 numeratorE36;
        uint256 volE36;
        uint256 gammaFactorE48;
        bool nearMoney;
        assembly ("memory-safe") {
            let lnMoneynessWad := sub(mload(add(s, 0x20)), mload(add(k, 0x20)))
            volE36 := mload(add(e, 0x60))
            // The same rule as _d1NumeratorE36: −c < x < c ⇔ x + c < 2c as unsigned (c > 0), and σ√τ < 0.1.
            nearMoney := and(
                lt(add(lnMoneynessWad, LN_NEAR_MONEY_WAD), mul(2, LN_NEAR_MONEY_WAD)),
                lt(volE36, VOL_SERIES_LIMIT_E36)
            )
            // |ln S − ln K| ≤ 37e18, so ×1e18 is exact; see _d1NumeratorE36 for the bounds.
            numeratorE36 := add(mul(lnMoneynessWad, WAD), mload(add(e, 0x80)))
            gammaFactorE48 := mload(add(e, 0xa0))
        }
        // No expiry branch: an expired Expiry has σ√τ = 1e-36, drift 0 and gamma factor 0, so d1 is
        // ±(huge) or exactly 0 and this path yields the intrinsic delta (1, ½, 0) and gamma 0 itself.
        // Near the money and short-dated: the series branch of _d1NumeratorE36, with the fields read by
        // offset (calling the helper costs ~230 gas per such leg and ~100 bytes of code).
        if (nearMoney) {
            uint256 spotWad;
            uint256 strikeWad;
            int256 driftE36;
            assembly ("memory-safe") {
                spotWad := mload(s)
                strikeWad := mload(k)
                driftE36 := mload(add(e, 0x80))
            }
            numeratorE36 = _lnRatioNearOneE36(spotWad, strikeWad) + driftE36;
        }
        uint256 expWad;
        (callDeltaWad, expWad) = NormalDistLib.cdfAndExp(numeratorE36, volE36);
        assembly ("memory-safe") {
            // expWad ≤ 1e18 and gammaFactorE48 < 2.3e58 over the domain: the product is < 2^255.
            gammaE36 := div(mul(expWad, gammaFactorE48), 1000000000000000000000000000000)
        }
    }

    /// @notice d1 of one leg in WAD (truncated toward zero). Reverts at or past expiry, where d1 is
    ///         not defined.
    function d1Wad(Spot memory s, Expiry memory e, Strike memory k) internal pure returns (int256) {
        if (e.tauSeconds == 0) revert TimeToExpiryOutOfDomain(0);
        // |numerator| < 5.5e38: ×1e18 is exact.
        // forge-lint: disable-next-line(unsafe-typecast) -- WAD and volE36 (sigma·sqrt(tau) within the domain) are far below 2^255
        return (_d1NumeratorE36(s, e, k) * int256(WAD)) / int256(e.volE36);
    }

    /// @notice Call and put prices of one leg, in quote per underlying (WAD).
    /// @dev Each price is formed from the tail probabilities that keep it small where it is small
    ///      (call = S N(d1) − K e^{−rτ} N(d2), put = K e^{−rτ} N(−d2) − S N(−d1)); a difference that
    ///      rounds below zero returns 0. |error| ≤ (S + K)·1e-16.
    function prices(
        Spot memory s,
        Expiry memory e,
        Strike memory k
    ) internal pure returns (uint256 callWad, uint256 putWad) {
        uint256 spotWad = s.spotWad;
        uint256 strikeWad = k.strikeWad;
        if (e.tauSeconds == 0) {
            return (
                FixedPointMathLib.zeroFloorSub(spotWad, strikeWad),
                FixedPointMathLib.zeroFloorSub(strikeWad, spotWad)
            );
        }
        int256 numeratorE36 = _d1NumeratorE36(s, e, k);
        uint256 volE36 = e.volE36;
        (uint256 nd1, ) = NormalDistLib.cdfAndExp(numeratorE36, volE36);
        // d2 = d1 − σ√τ = (numerator − (σ√τ)²) / σ√τ; (σ√τ)² ≤ 1e3 in 1e36 is exact enough (±1e-36).
        // forge-lint: disable-next-line(unsafe-typecast) -- volE36^2 / 1e36 is below 1e38 within the domain
        (uint256 nd2, ) = NormalDistLib.cdfAndExp(numeratorE36 - int256((volE36 * volE36) / E36), volE36);
        // N(−x) = 1 − N(x) exactly: cdfAndExp forms N(x) for x > 0 as 1e18 minus the floored tail.
        uint256 nMinusD1 = WAD - nd1;
        uint256 nMinusD2 = WAD - nd2;
        // e^{−rτ}: |rτ| ≤ 10, well inside expWad's range.
        // forge-lint: disable-next-line(unsafe-typecast) -- tauSeconds <= MAX_TAU_SECONDS and the year are small constants
        int256 rateTimeWad = (e.rateWad * int256(e.tauSeconds)) / int256(SECONDS_PER_YEAR);
        uint256 discountedStrikeWad = FixedPointMathLib.mulWad(
            strikeWad,
            uint256(FixedPointMathLib.expWad(-rateTimeWad))
        );
        callWad = FixedPointMathLib.zeroFloorSub(spotWad * nd1, discountedStrikeWad * nd2) / WAD;
        putWad = FixedPointMathLib.zeroFloorSub(discountedStrikeWad * nMinusD2, spotWad * nMinusD1) / WAD;
    }

    /// @notice Vega of one leg, ∂price/∂σ = S φ(d1) √τ, in quote per underlying per 1.0 of σ (WAD).
    function vega(Spot memory s, Expiry memory e, Strike memory k) internal pure returns (uint256 vegaWad) {
        if (e.tauSeconds == 0) return 0;
        (, uint256 expWad) = NormalDistLib.cdfAndExp(_d1NumeratorE36(s, e, k), e.volE36);
        // S φ √τ: S ≤ 1e30, φ·1e36 ≤ 4e35, √τ·1e27 ≤ 3.2e27: two steps keep it below 2^256.
        uint256 pdfE36 = (expWad * INV_SQRT_2PI_E36) / WAD;
        vegaWad = FixedPointMathLib.fullMulDiv(s.spotWad * pdfE36, e.sqrtTauE27, 1e63);
    }

    /// @notice Call delta and gamma of a single leg without reuse: validates every input.
    function deltaGamma(
        uint256 spotWad,
        uint256 strikeWad,
        uint256 sigmaWad,
        uint256 tauSeconds,
        int256 rateWad
    ) internal pure returns (uint256 callDeltaWad, uint256 gammaE36) {
        Spot memory s = spot(spotWad);
        return deltaGamma(s, expiry(s, sigmaWad, tauSeconds, rateWad), strike(strikeWad));
    }

    /// @notice Put delta from call delta: N(d1) − 1, in [−1e18, 0].
    function putDeltaWad(uint256 callDeltaWad) internal pure returns (int256) {
        // callDeltaWad ≤ 1e18.
        // forge-lint: disable-next-line(unsafe-typecast) -- a call delta is in [0, WAD]
        return int256(callDeltaWad) - int256(WAD);
    }

    // ----------------------------------------------------------------------------------------------
    // Internals
    // ----------------------------------------------------------------------------------------------

    /// @dev d1's numerator ln(S/K) + (r + σ²/2)τ at 1e-36: |ln(S/K)| ≤ 37, the drift ≤ 510, so it stays
    ///      below 5.5e38, inside cdfAndExp's 2^191 bound. The denominator is volE36 ≥ 1.7e29.
    function _d1NumeratorE36(
        Spot memory s,
        Expiry memory e,
        Strike memory k
    ) private pure returns (int256 numeratorE36) {
        int256 lnMoneynessWad = s.lnSpotWad - k.lnStrikeWad;
        // The same rule as deltaGamma's: the series only near the money and short-dated.
        if (
            lnMoneynessWad >= LN_NEAR_MONEY_WAD ||
            lnMoneynessWad <= -LN_NEAR_MONEY_WAD ||
            e.volE36 >= VOL_SERIES_LIMIT_E36
        ) {
            unchecked {
                // |ln S − ln K| ≤ 37e18: the product is exact.
                // forge-lint: disable-next-line(unsafe-typecast) -- WAD is a constant
                return lnMoneynessWad * int256(WAD) + e.driftE36;
            }
        }
        return _lnRatioNearOneE36(s.spotWad, k.strikeWad) + e.driftE36;
    }

    /// @dev ln(S/K) × 1e36 near the money (|ln(S/K)| < LN_NEAR_MONEY_WAD), as 2·atanh(s) with s = (S − K)/(S + K)
    ///      = tanh(ln(S/K)/2), |s| < 0.03, summed to s^11/11. The truncation is below |s|^13/13/(1 − s²),
    ///      a relative error < 4.2e-20 in ln(S/K); since φ(d1)·|d1| ≤ 0.242 for every σ√τ, that moves
    ///      delta by < 1.1e-20. Each of the 12 fixed-point steps is off by < 1e-36.
    function _lnRatioNearOneE36(uint256 spotWad, uint256 strikeWad) private pure returns (int256 lnE36) {
        assembly ("memory-safe") {
            // s·1e36, signed: |S − K|·1e36 ≤ 1e66 < 2^220.
            let x := sdiv(mul(sub(spotWad, strikeWad), E36), add(spotWad, strikeWad))
            let x2 := sdiv(mul(x, x), E36)
            let term := sdiv(mul(x, x2), E36)
            let sum := add(x, sdiv(term, 3))
            term := sdiv(mul(term, x2), E36)
            sum := add(sum, sdiv(term, 5))
            term := sdiv(mul(term, x2), E36)
            sum := add(sum, sdiv(term, 7))
            term := sdiv(mul(term, x2), E36)
            sum := add(sum, sdiv(term, 9))
            term := sdiv(mul(term, x2), E36)
            sum := add(sum, sdiv(term, 11))
            lnE36 := add(sum, sum)
        }
    }
}
