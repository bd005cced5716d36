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
///      Precision of d1. Every logarithm is `lnRatioE36`: ln S, ln K and the one-shot's ln(S/K) at
///      1e-36, each within 1.3e-25 of the exact value (the series' truncation), so ln S − ln K is
///      within 2.6e-25 whatever the moneyness. Divided by the smallest σ√τ of the domain (1.8e-7)
///      and weighted by φ(d1) ≤ 0.4, that moves delta by < 6e-19 — also where the forward is at the
///      strike and the spot is not (large |r|τ, small σ√τ), which WAD logarithms (±1 wei each) could
///      not keep within 1e-16. σ√τ and the drift are kept at 1e-36, d1 in the 2^-64 basis.
///
///      Error bounds over the domain (measured against a 50-digit reference; the tests assert them):
///      delta |Δ − Δ_exact| ≤ 1e-16; gamma relative ≤ 1e-12 where φ(d1) ≥ 1e-6 (absolute ≤ 2 wei of
///      φ / (Sσ√τ) elsewhere); prices ≤ (S + K·e^{−rτ})·1e-16 + 3e-18 absolute (the discounted
///      strike, not K: at r = −100% over 10 years it is 22,000·K; and three wei of rounding, which is
///      all of the error where S + K is near 1e-4); vega ≤ (1 + S√τ)·3e-18 absolute (a WAD output:
///      one wei is its floor).
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

    /// @dev 1/√(2π) × 1e36, rounded to nearest.
    uint256 internal constant INV_SQRT_2PI_E36 = 398942280401432677939946059934381868;

    /// @dev `lnRatioE36`'s binary basis and constants: 1.0 = 2^128 for the ratio, 2^126 for the series.
    uint256 private constant ONE_X128 = 1 << 128;
    /// @dev ⌊√2 × 2^128⌋: ratios above it are halved, so the series argument stays within ±0.1716.
    uint256 private constant SQRT2_X128 = 481231938336009023090067544955250113854;
    /// @dev ln 2 × 2^126, rounded to nearest.
    uint256 private constant LN2_X126 = 58966440806378323534486035691038621100;
    // 2^126 / (2j + 1), rounded to nearest: the atanh series' coefficients, j = 0 … 14.
    uint256 private constant A1 = 85070591730234615865843651857942052864;
    uint256 private constant A3 = 28356863910078205288614550619314017621;
    uint256 private constant A5 = 17014118346046923173168730371588410573;
    uint256 private constant A7 = 12152941675747802266549093122563150409;
    uint256 private constant A9 = 9452287970026068429538183539771339207;
    uint256 private constant A11 = 7733690157294055987803968350722004806;
    uint256 private constant A13 = 6543891671556508912757203989072465605;
    uint256 private constant A15 = 5671372782015641057722910123862803524;
    uint256 private constant A17 = 5004152454719683286226097168114238404;
    uint256 private constant A19 = 4477399564749190308728613255681160677;
    uint256 private constant A21 = 4050980558582600755516364374187716803;
    uint256 private constant A23 = 3698721379575418081123637037301828385;
    uint256 private constant A25 = 3402823669209384634633746074317682115;
    uint256 private constant A27 = 3150762656675356143179394513257113069;
    uint256 private constant A29 = 2933468680352917788477367305446277685;

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
        int256 lnSpotE36; // ln S × 1e36, lnRatioE36 (within 1.3e-25)
    }

    /// @notice Per-strike data. Build with `strike()` once and store it beside the leg.
    struct Strike {
        uint256 strikeWad;
        int256 lnStrikeE36; // ln K × 1e36, lnRatioE36 (within 1.3e-25); fits int128
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
        s.lnSpotE36 = lnRatioE36(spotWad, WAD);
    }

    /// @notice Validates K and computes ln K, to be stored with the leg.
    function strike(uint256 strikeWad) internal pure returns (Strike memory k) {
        if (strikeWad < MIN_PRICE_WAD || strikeWad > MAX_PRICE_WAD) revert StrikeOutOfDomain(strikeWad);
        k.strikeWad = strikeWad;
        k.lnStrikeE36 = lnRatioE36(strikeWad, WAD);
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
        (e.sqrtTauE27, e.volE36, e.driftE36) = _volAndDrift(sigmaWad, tauSeconds, rateWad);
        e.tauSeconds = tauSeconds;
        e.rateWad = rateWad;
        if (tauSeconds == 0) {
            // At or past expiry: the smallest σ√τ makes d1 = ln(S/K)·1e36 — beyond ±9 for any S ≠ K in
            // the domain (|ln(S/K)| ≥ 1e-30 there), exactly 0 for S = K — and a zero gamma factor
            // zeroes gamma, so deltaGamma() needs no branch for expired legs.
            // (√τ and the drift are 0 already.)
            e.volE36 = 1;
            return e;
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
        // cost more than the arithmetic around them. Layouts: Spot {spotWad, lnSpotE36}, Strike
        // {strikeWad, lnStrikeE36}, Expiry {tauSeconds, rateWad, sqrtTauE27, volE36, driftE36,
        // gammaFactorE48}.
        int256 numeratorE36;
        uint256 volE36;
        uint256 gammaFactorE48;
        assembly ("memory-safe") {
            // |ln S − ln K| ≤ 37e36 and |drift| ≤ 510e36: no overflow; no branch — both logarithms
            // are precise to 1.3e-25 (see the library header).
            numeratorE36 := add(sub(mload(add(s, 0x20)), mload(add(k, 0x20))), mload(add(e, 0x80)))
            volE36 := mload(add(e, 0x60))
            gammaFactorE48 := mload(add(e, 0xa0))
        }
        return deltaGammaAt(numeratorE36, volE36, gammaFactorE48);
    }

    /// @notice `deltaGamma(s, e, k)` from its three inputs, for a loop that keeps them on the stack:
    ///         d1's numerator ln S − ln K + drift (`s.lnSpotE36 + e.driftE36 − k.lnStrikeE36`), and the
    ///         expiry's `volE36` and `gammaFactorE48`. Same results, same bounds.
    function deltaGammaAt(
        int256 numeratorE36,
        uint256 volE36,
        uint256 gammaFactorE48
    ) internal pure returns (uint256 callDeltaWad, uint256 gammaE36) {
        // No expiry branch: an expired Expiry has σ√τ = 1e-36, drift 0 and gamma factor 0, so d1 is
        // ±(huge) or exactly 0 and this path yields the intrinsic delta (1, ½, 0) and gamma 0 itself.
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
    ///      rounds below zero returns 0. |error| ≤ (S + K·e^{−rτ})·1e-16 + 3e-18.
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
        // K·e^{−rτ}: |rτ| ≤ 10, well inside expWad's range. A discount below 1 is formed as a division
        // by e^{rτ} ≥ 1, not a product with e^{−rτ} < 1, whose WAD rounding would cost up to 2e-14 of
        // relative precision at e^{−10}; either way the discounted strike is within 1e-18 relative.
        // forge-lint: disable-next-line(unsafe-typecast) -- tauSeconds <= MAX_TAU_SECONDS and the year are small constants
        int256 rateTimeWad = (e.rateWad * int256(e.tauSeconds)) / int256(SECONDS_PER_YEAR);
        uint256 discountedStrikeWad =
            rateTimeWad > 0
                ? FixedPointMathLib.divWad(strikeWad, uint256(FixedPointMathLib.expWad(rateTimeWad)))
                : FixedPointMathLib.mulWad(strikeWad, uint256(FixedPointMathLib.expWad(-rateTimeWad)));
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

    /// @notice Call delta and gamma of a single leg without reuse: validates every input (in the
    ///         order spot, σ, τ, r, strike) and computes ln(S/K) once, at full precision
    ///         (`lnRatioE36`), instead of two stored logarithms — cheaper than preparing structs and
    ///         exact to 1e-16 in delta on the whole domain. No memory is allocated.
    /// @return callDeltaWad N(d1) in WAD, in [0, 1e18]; |error| ≤ 1e-16.
    /// @return gammaE36 φ(d1)/(S σ√τ) × 1e36, floored; relative error ≤ 1e-12 where φ(d1) ≥ 1e-6.
    function deltaGamma(
        uint256 spotWad,
        uint256 strikeWad,
        uint256 sigmaWad,
        uint256 tauSeconds,
        int256 rateWad
    ) internal pure returns (uint256 callDeltaWad, uint256 gammaE36) {
        if (spotWad < MIN_PRICE_WAD || spotWad > MAX_PRICE_WAD) revert SpotOutOfDomain(spotWad);
        (, uint256 volE36, int256 driftE36) = _volAndDrift(sigmaWad, tauSeconds, rateWad);
        if (strikeWad < MIN_PRICE_WAD || strikeWad > MAX_PRICE_WAD) revert StrikeOutOfDomain(strikeWad);
        if (tauSeconds == 0) {
            // Intrinsic: 1, ½, 0 for S >, =, < K; no gamma.
            return (
                spotWad > strikeWad
                    ? WAD
                    : spotWad == strikeWad
                        ? WAD / 2
                        : 0,
                0
            );
        }
        int256 numeratorE36 = lnRatioE36(spotWad, strikeWad);
        unchecked {
            numeratorE36 += driftE36; // |ln(S/K)| ≤ 37e36, |drift| ≤ 510e36
        }
        uint256 expWad;
        (callDeltaWad, expWad) = NormalDistLib.cdfAndExp(numeratorE36, volE36);
        assembly ("memory-safe") {
            // φ·1e36·√(2π) = e^{−d1²/2}[WAD] × (1/√(2π))[1e36] < 2^178; over S (≥ 1e14) the floor costs
            // < 1e-18 relative where φ ≥ 1e-6 (the quotient is ≥ 1e18 there); ×1e36 stays < 2^252.
            gammaE36 := div(mul(div(mul(expWad, INV_SQRT_2PI_E36), spotWad), E36), volE36)
        }
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

    /// @dev Reverts unless σ, τ and r lie in the domain (checked in that order); then √τ (1e27), σ√τ
    ///      (1e36) and the drift (r + σ²/2)τ (1e36), all 0 when τ = 0: what expiry() stores and the
    ///      one-shot deltaGamma() uses, from one piece of arithmetic (one call: it is on both hot paths).
    function _volAndDrift(
        uint256 sigmaWad,
        uint256 tauSeconds,
        int256 rateWad
    ) private pure returns (uint256 sqrtTauE27, uint256 volE36, int256 driftE36) {
        if (sigmaWad < MIN_SIGMA_WAD || sigmaWad > MAX_SIGMA_WAD) revert VolatilityOutOfDomain(sigmaWad);
        if (tauSeconds > MAX_TAU_SECONDS) revert TimeToExpiryOutOfDomain(tauSeconds);
        if (rateWad > MAX_ABS_RATE_WAD || rateWad < -MAX_ABS_RATE_WAD) revert RateOutOfDomain(rateWad);
        unchecked {
            // τ ≤ 3.2e8 s: τ·1e54 < 2^210.
            sqrtTauE27 = FixedPointMathLib.sqrt((tauSeconds * 1e54) / SECONDS_PER_YEAR);
            // σ ≤ 1e19, √τ ≤ 3.2e27: product < 2^115.
            volE36 = (sigmaWad * sqrtTauE27) / 1e9;
            // (2r + σ²) in 1e36 ≤ 1.02e38, times τ < 2^157; exact until the one division.
            // forge-lint: disable-next-line(unsafe-typecast) -- WAD and sigma^2 (sigma <= MAX_SIGMA_WAD) are far below 2^255
            int256 twiceRatePlusVariance = rateWad * 2 * int256(WAD) + int256(sigmaWad * sigmaWad);
            // forge-lint: disable-next-line(unsafe-typecast) -- tauSeconds <= MAX_TAU_SECONDS and the year are small constants
            driftE36 = (twiceRatePlusVariance * int256(tauSeconds)) / int256(2 * SECONDS_PER_YEAR);
        }
    }

    /// @dev d1's numerator ln(S/K) + (r + σ²/2)τ at 1e-36: |ln(S/K)| ≤ 37, the drift ≤ 510, so it stays
    ///      below 5.5e38, inside cdfAndExp's 2^191 bound. The denominator is volE36 ≥ 1.7e29.
    function _d1NumeratorE36(Spot memory s, Expiry memory e, Strike memory k) private pure returns (int256) {
        return s.lnSpotE36 - k.lnStrikeE36 + e.driftE36;
    }

    /// @notice ln(a/b) × 1e36 for a, b in [MIN_PRICE_WAD, MAX_PRICE_WAD] (unchecked: callers validate),
    ///         within 1.3e-25 of the exact value (the series' truncation; the arithmetic adds < 1e-35).
    /// @dev The ratio r = max/min is formed in 2^-128 (relative error < 3e-39) and reduced to
    ///      r = 2^k·m with m ∈ [1/√2, √2]; then ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716,
    ///      summed to s^29/29 by Horner's rule in s² at 2^-126 (the terms left out sum to less than
    ///      2·0.1716^31/31/(1 − 0.1716²) = 1.3e-25), and ln r = k·ln 2 + ln m. One division, one log2
    ///      and 15 multiply-shift steps, about as much gas as Solady's `lnWad` and 10^7 times as precise.
    function lnRatioE36(uint256 aWad, uint256 bWad) internal pure returns (int256 lnE36) {
        bool inverted = aWad < bWad;
        (uint256 hi, uint256 lo) = inverted ? (bWad, aWad) : (aWad, bWad);
        uint256 x;
        uint256 k;
        unchecked {
            // hi ≤ 1e30 < 2^100, so hi·2^128 < 2^228; the ratio is in [1, 1e16] and x in [2^128, 2^182).
            x = (hi << 128) / lo;
            k = FixedPointMathLib.log2(x >> 128);
        }
        assembly ("memory-safe") {
            x := shr(k, x) // [2^128, 2^129)
            if gt(x, SQRT2_X128) {
                x := shr(1, x)
                k := add(k, 1)
            }
            // s in 2^-126, signed: |x − 1| < 0.42·2^128, so the shifted numerator is below 2^253.
            let sX126 := sdiv(shl(126, sub(x, ONE_X128)), add(x, ONE_X128))
            let s2 := shr(126, mul(sX126, sX126))
            // Horner in s²: every acc < 1.01·2^126 and s² < 0.03·2^126, so each product is < 2^248.
            let acc := add(A27, shr(126, mul(A29, s2)))
            acc := add(A25, shr(126, mul(acc, s2)))
            acc := add(A23, shr(126, mul(acc, s2)))
            acc := add(A21, shr(126, mul(acc, s2)))
            acc := add(A19, shr(126, mul(acc, s2)))
            acc := add(A17, shr(126, mul(acc, s2)))
            acc := add(A15, shr(126, mul(acc, s2)))
            acc := add(A13, shr(126, mul(acc, s2)))
            acc := add(A11, shr(126, mul(acc, s2)))
            acc := add(A9, shr(126, mul(acc, s2)))
            acc := add(A7, shr(126, mul(acc, s2)))
            acc := add(A5, shr(126, mul(acc, s2)))
            acc := add(A3, shr(126, mul(acc, s2)))
            acc := add(A1, shr(126, mul(acc, s2)))
            // ln x = k·ln 2 + 2·s·acc ≥ 0 (x ≥ 1), < 2^131.3 in 2^-126; ×1e36 stays below 2^251.
            let lnX126 := add(mul(k, LN2_X126), sar(125, mul(sX126, acc)))
            lnE36 := shr(126, mul(lnX126, E36))
            if inverted {
                lnE36 := sub(0, lnE36)
            }
        }
    }
}
