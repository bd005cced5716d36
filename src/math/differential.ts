import { type BigNumberish } from "ethers";

import {
  D,
  type Dec,
  type LegInput,
  SECONDS_PER_YEAR,
  blackScholes,
  blackScholesPrices,
  fromWad,
  normCdf,
  normPdf,
} from "./reference";

/**
 * Runs the on-chain math over a grid in batched eth_calls and measures it against the 50-digit
 * reference. Shared by the differential tests (which assert the bounds) and the benchmark (which
 * reports them), so both describe the same points.
 */

/** The harness surfaces this module drives (typechain contracts satisfy them structurally). */
export interface CdfHarness {
  cdfBatch(xs: BigNumberish[]): Promise<[bigint[], bigint[], bigint[]] & { length: 3 }>;
}
export interface LegHarness {
  deltaGammaBatch(legs: LegInput[]): Promise<[bigint[], bigint[]] & { length: 2 }>;
}
export interface LegGasHarness {
  bookDeltaGamma(legs: LegInput[]): Promise<[bigint[], bigint] & { length: 2 }>;
}

const E36 = new D("1e36");

/** Where a maximum error was found, for the failure message and the report. */
export interface Worst<T> {
  error: Dec;
  at: T | undefined;
}

function worse<T>(current: Worst<T>, error: Dec, at: T): Worst<T> {
  return error.gt(current.error) ? { error, at } : current;
}

export interface CdfReport {
  points: number;
  cdf: Worst<bigint>;
  pdf: Worst<bigint>;
  gas: bigint[];
}

export async function measureCdf(harness: CdfHarness, xs: bigint[], chunk = 500): Promise<CdfReport> {
  let cdf: Worst<bigint> = { error: new D(0), at: undefined };
  let pdf: Worst<bigint> = { error: new D(0), at: undefined };
  const gas: bigint[] = [];
  for (let i = 0; i < xs.length; i += chunk) {
    const part = xs.slice(i, i + chunk);
    const [cdfs, pdfs, gasUsed] = await harness.cdfBatch(part);
    part.forEach((x, j) => {
      const xd = fromWad(x);
      cdf = worse(cdf, fromWad(cdfs[j]).minus(normCdf(xd)).abs(), x);
      pdf = worse(pdf, fromWad(pdfs[j]).minus(normPdf(xd)).abs(), x);
      gas.push(gasUsed[j]);
    });
  }
  return { points: xs.length, cdf, pdf, gas };
}

/** φ(d1) at or above which the gamma bound is relative (the threshold). */
export const GAMMA_RELATIVE_FLOOR = new D("1e-6");

export interface LegReport {
  legs: number;
  delta: Worst<LegInput>;
  /** Relative error of gamma over the legs with φ(d1) ≥ GAMMA_RELATIVE_FLOOR. */
  gammaRelative: Worst<LegInput>;
  gammaRelativeLegs: number;
  /** Absolute error of gamma (per unit price) over the other legs. */
  gammaAbsolute: Worst<LegInput>;
}

export async function measureLegs(harness: LegHarness, legs: LegInput[], chunk = 400): Promise<LegReport> {
  const report: LegReport = {
    legs: legs.length,
    delta: { error: new D(0), at: undefined },
    gammaRelative: { error: new D(0), at: undefined },
    gammaRelativeLegs: 0,
    gammaAbsolute: { error: new D(0), at: undefined },
  };
  for (let i = 0; i < legs.length; i += chunk) {
    const part = legs.slice(i, i + chunk);
    const [deltas, gammas] = await harness.deltaGammaBatch(part);
    part.forEach((leg, j) => {
      const ref = blackScholes(leg);
      report.delta = worse(report.delta, fromWad(deltas[j]).minus(ref.callDelta).abs(), leg);
      const gamma = new D(gammas[j].toString()).div(E36);
      const gammaError = gamma.minus(ref.gamma).abs();
      if (leg.tauSeconds > 0n && normPdf(ref.d1).gte(GAMMA_RELATIVE_FLOOR)) {
        report.gammaRelativeLegs++;
        report.gammaRelative = worse(report.gammaRelative, gammaError.div(ref.gamma), leg);
      } else {
        report.gammaAbsolute = worse(report.gammaAbsolute, gammaError, leg);
      }
    });
  }
  return report;
}

export interface FullLegResult {
  callDeltaWad: bigint;
  gammaE36: bigint;
  d1Wad: bigint;
  callWad: bigint;
  putWad: bigint;
  vegaWad: bigint;
}

export interface PriceReport {
  legs: number;
  /** |price error| / (S + K), the scale the library's price bound is stated in. */
  price: Worst<LegInput>;
  /** |vega error| / (1 + S√τ): vega is a WAD output, so one wei is its floor. */
  vega: Worst<LegInput>;
  /** |d1 error| × φ(d1): d1's contribution to the delta error. */
  d1Weighted: Worst<LegInput>;
}

export function comparePrices(legs: LegInput[], results: FullLegResult[]): PriceReport {
  const report: PriceReport = {
    legs: legs.length,
    price: { error: new D(0), at: undefined },
    vega: { error: new D(0), at: undefined },
    d1Weighted: { error: new D(0), at: undefined },
  };
  legs.forEach((leg, i) => {
    const r = results[i];
    const ref = blackScholes(leg);
    const prices = blackScholesPrices(leg);
    const scale = fromWad(leg.spotWad).plus(fromWad(leg.strikeWad));
    const priceError = D.max(
      fromWad(r.callWad).minus(prices.call).abs(),
      fromWad(r.putWad).minus(prices.put).abs(),
    ).div(scale);
    report.price = worse(report.price, priceError, leg);
    if (leg.tauSeconds > 0n) {
      const pdf = normPdf(ref.d1);
      report.d1Weighted = worse(report.d1Weighted, fromWad(r.d1Wad).minus(ref.d1).abs().times(pdf), leg);
      const sqrtTau = new D(leg.tauSeconds.toString()).div(SECONDS_PER_YEAR).sqrt();
      const vegaScale = fromWad(leg.spotWad).times(sqrtTau).plus(1);
      report.vega = worse(report.vega, fromWad(r.vegaWad).minus(ref.vega).abs().div(vegaScale), leg);
    }
  });
  return report;
}

export async function measureLegGas(
  harness: LegGasHarness,
  legs: LegInput[],
  chunk = 400,
): Promise<bigint[]> {
  const gas: bigint[] = [];
  for (let i = 0; i < legs.length; i += chunk) {
    const [gasUsed] = await harness.bookDeltaGamma(legs.slice(i, i + chunk));
    gas.push(...gasUsed);
  }
  return gas;
}

export interface GasStats {
  min: number;
  avg: number;
  max: number;
}

export function gasStats(gas: bigint[]): GasStats {
  const values = gas.map(Number);
  return {
    min: Math.min(...values),
    avg: values.reduce((a, b) => a + b, 0) / values.length,
    max: Math.max(...values),
  };
}
