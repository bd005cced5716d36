import Decimal from "decimal.js";

/**
 * High-precision reference for the on-chain normal-distribution and Black-Scholes libraries.
 *
 * Independent of the Solidity code: it shares no coefficients with it (Hart's rational is not
 * used here) and evaluates the exact functions to 50 significant digits with decimal.js:
 *
 * - |x| ≤ 10: the everywhere-convergent series Φ(x) = 1/2 + φ(x) · Σ_{n≥0} x^{2n+1} / (1·3·5···(2n+1)),
 *   whose terms are all of one sign, so the only cancellation is the final 1/2 − … for x < 0,
 *   covered by raising the working precision by the digits it loses.
 * - |x| > 10: Laplace's continued fraction for the Mills ratio,
 *   Φ(−z) = φ(z) / (z + 1/(z + 2/(z + 3/(z + …)))), evaluated bottom-up with a term count that is
 *   doubled until two evaluations agree to the working precision.
 *
 * Both methods are valid on all of (0, ∞), so the tests check that they agree on [1, 10] (where both
 * are practical), together with published table values.
 */

/** Significant digits every reference value carries. */
export const REFERENCE_DIGITS = 50;
/** Extra working digits beyond REFERENCE_DIGITS, on top of any digits lost to cancellation. */
const GUARD_DIGITS = 12;
/** |x| up to which Φ uses the series (it loses ≈ 22 digits to cancellation at 10, covered above). */
const SERIES_LIMIT = 10;

export const D = Decimal.clone({
  precision: REFERENCE_DIGITS + GUARD_DIGITS,
  rounding: Decimal.ROUND_HALF_EVEN,
});
export type Dec = InstanceType<typeof D>;

/** Seconds in the library's year: 365 days. */
export const SECONDS_PER_YEAR = 31_536_000;
export { WAD } from "./units";
import { WAD } from "./units";

const TWO_PI = D.acos(-1).times(2);
const INV_SQRT_2PI = D.div(1, TWO_PI.sqrt());
const EPS = new D(10).pow(-(REFERENCE_DIGITS + 5));

/** φ(x) = e^{−x²/2} / √(2π). */
export function normPdf(x: Decimal.Value): Dec {
  const v = new D(x);
  return v.times(v).div(-2).exp().times(INV_SQRT_2PI);
}

const clones = new Map<number, typeof D>();
function atPrecision(digits: number): typeof D {
  let C = clones.get(digits);
  if (C === undefined) {
    C = D.clone({ precision: digits });
    clones.set(digits, C);
  }
  return C;
}

/**
 * Φ(x) by the positive-term series. Accurate for any x: for x < 0 the result 1/2 − φ·S loses
 * about x²/(2 ln 10) leading digits to cancellation, so the working precision grows by that much.
 */
export function normCdfSeries(x: Decimal.Value): Dec {
  const x0 = new D(x);
  if (x0.isZero()) return new D(0.5);
  const lost = Math.ceil((x0.toNumber() * x0.toNumber()) / (2 * Math.LN10));
  const C = atPrecision(REFERENCE_DIGITS + GUARD_DIGITS + lost);
  const v = new C(x0);
  const x2 = v.times(v);
  // The sum must be good to the full working precision: the subtraction below exposes its last digits.
  const eps = new C(10).pow(-(REFERENCE_DIGITS + GUARD_DIGITS + lost));
  let term = v;
  let sum = v;
  for (let k = 3; ; k += 2) {
    term = term.times(x2).div(k);
    sum = sum.plus(term);
    if (term.abs().lte(sum.abs().times(eps))) break;
  }
  const pdf = x2.div(-2).exp().div(C.acos(-1).times(2).sqrt());
  return new D(new C(0.5).plus(pdf.times(sum)));
}

/** Φ(−z) for z > 0 by Laplace's continued fraction (converges slowly for small z). */
export function normTailContinuedFraction(z: Decimal.Value): Dec {
  const v = new D(z);
  if (!v.isPositive() || v.isZero()) throw new Error("continued fraction needs z > 0");
  const pdf = normPdf(v);
  const evaluate = (terms: number): Dec => {
    let tail = v;
    for (let k = terms; k >= 1; k--) tail = v.plus(new D(k).div(tail));
    return pdf.div(tail);
  };
  let terms = 16;
  let previous = evaluate(terms);
  for (;;) {
    terms *= 2;
    const next = evaluate(terms);
    if (next.minus(previous).abs().lte(next.times(EPS))) return next;
    if (terms > 1 << 20) throw new Error(`continued fraction did not converge at z=${v}`);
    previous = next;
  }
}

/**
 * Φ(x) to REFERENCE_DIGITS significant digits: the series for |x| ≤ SERIES_LIMIT (it is the fast
 * method there), the continued fraction beyond (where the series would need hundreds of digits).
 * The tail is always computed directly, never as 1 − Φ.
 */
export function normCdf(x: Decimal.Value): Dec {
  const v = new D(x);
  if (v.abs().lte(SERIES_LIMIT)) return normCdfSeries(v);
  const tail = normTailContinuedFraction(v.abs());
  return v.isNegative() ? tail : new D(1).minus(tail);
}

/** A leg in the on-chain library's units: WAD prices, volatility and rate; τ in seconds. */
export interface LegInput {
  spotWad: bigint;
  strikeWad: bigint;
  sigmaWad: bigint;
  tauSeconds: bigint;
  rateWad: bigint;
}

export interface Greeks {
  d1: Dec;
  callDelta: Dec;
  putDelta: Dec;
  gamma: Dec;
  vega: Dec;
}

export interface Prices {
  call: Dec;
  put: Dec;
}

const wad = (x: bigint): Dec => new D(x.toString()).div(WAD.toString());

interface LegReals {
  S: Dec;
  K: Dec;
  sigma: Dec;
  r: Dec;
  tau: Dec;
}

function reals(leg: LegInput): LegReals {
  return {
    S: wad(leg.spotWad),
    K: wad(leg.strikeWad),
    sigma: wad(leg.sigmaWad),
    r: wad(leg.rateWad),
    tau: new D(leg.tauSeconds.toString()).div(SECONDS_PER_YEAR),
  };
}

function d1Of({ S, K, sigma, r, tau }: LegReals): Dec {
  return S.div(K)
    .ln()
    .plus(r.plus(sigma.times(sigma).div(2)).times(tau))
    .div(sigma.times(tau.sqrt()));
}

/**
 * Black-Scholes Greeks (no dividends) on the exact values of the fixed-point inputs. τ = 0 gives
 * the intrinsic limits the library documents: delta 1 / ½ / 0 for S >, =, < K, gamma and vega 0.
 */
export function blackScholes(leg: LegInput): Greeks {
  const x = reals(leg);
  if (x.tau.isZero()) {
    const cmp = x.S.cmp(x.K);
    const callDelta = new D(cmp > 0 ? 1 : cmp === 0 ? 0.5 : 0);
    const d1 = new D(cmp > 0 ? Infinity : cmp === 0 ? 0 : -Infinity);
    return { d1, callDelta, putDelta: callDelta.minus(1), gamma: new D(0), vega: new D(0) };
  }
  const sqrtTau = x.tau.sqrt();
  const d1 = d1Of(x);
  const nd1 = normCdf(d1);
  const pdf = normPdf(d1);
  return {
    d1,
    callDelta: nd1,
    putDelta: nd1.minus(1),
    gamma: pdf.div(x.S.times(x.sigma).times(sqrtTau)),
    vega: x.S.times(pdf).times(sqrtTau),
  };
}

/** Call and put prices; intrinsic at τ = 0. Each is formed from the tails, as in the library. */
export function blackScholesPrices(leg: LegInput): Prices {
  const x = reals(leg);
  if (x.tau.isZero()) return { call: D.max(x.S.minus(x.K), 0), put: D.max(x.K.minus(x.S), 0) };
  const d1 = d1Of(x);
  const d2 = d1.minus(x.sigma.times(x.tau.sqrt()));
  const discountedStrike = x.K.times(x.r.neg().times(x.tau).exp());
  return {
    call: x.S.times(normCdf(d1)).minus(discountedStrike.times(normCdf(d2))),
    put: discountedStrike.times(normCdf(d2.neg())).minus(x.S.times(normCdf(d1.neg()))),
  };
}

/** A fixed-point WAD integer as an exact decimal. */
export function fromWad(x: bigint): Dec {
  return wad(x);
}

/** The nearest WAD integer to a reference value (ties to even). */
export function toWad(x: Decimal.Value): bigint {
  return BigInt(new D(x).times(WAD.toString()).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).toFixed(0));
}
