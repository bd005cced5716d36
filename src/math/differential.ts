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

/** Outputs of one implementation over a list of points, in point order. */
export interface CdfOutputs {
  cdfs: bigint[];
  /** Absent for implementations that only expose Φ. */
  pdfs?: bigint[];
  gas?: bigint[];
}
export interface LegOutputs {
  deltas: bigint[];
  gammasE36: bigint[];
  gas?: bigint[];
}

/** A batched harness call: (values, pdfs or zeros, gas) for each x. */
export type CdfBatch = (xs: bigint[]) => Promise<[bigint[], bigint[], bigint[]]>;
/** A batched harness call: (call deltas in WAD, gammas × 1e36, optional gas) for each leg. */
export type LegBatch = (legs: LegInput[]) => Promise<[bigint[], bigint[]] | [bigint[], bigint[], bigint[]]>;

/**
 * Points per eth_call. The in-process node's memory grows with the gas of one call (it keeps each
 * call's execution trace while the call runs): 400 legs per call peaked at 24 GB resident over the
 * benchmark, 50 stays under 1 GB at the same total time.
 */
export const BATCH = { cdfPoints: 200, legs: 50 } as const;

export async function collectCdf(
  batch: CdfBatch,
  xs: bigint[],
  chunk: number = BATCH.cdfPoints,
): Promise<CdfOutputs> {
  const out: Required<CdfOutputs> = { cdfs: [], pdfs: [], gas: [] };
  for (let i = 0; i < xs.length; i += chunk) {
    const [cdfs, pdfs, gas] = await batch(xs.slice(i, i + chunk));
    out.cdfs.push(...cdfs);
    out.pdfs.push(...pdfs);
    out.gas.push(...gas);
  }
  return out;
}

export async function collectLegs(
  batch: LegBatch,
  legs: LegInput[],
  chunk: number = BATCH.legs,
): Promise<LegOutputs> {
  const out: LegOutputs = { deltas: [], gammasE36: [] };
  for (let i = 0; i < legs.length; i += chunk) {
    const result = await batch(legs.slice(i, i + chunk));
    out.deltas.push(...result[0]);
    out.gammasE36.push(...result[1]);
    if (result.length === 3) (out.gas ??= []).push(...result[2]);
  }
  return out;
}

const E36 = new D("1e36");

const yearsOf = (leg: LegInput): Dec => new D(leg.tauSeconds.toString()).div(SECONDS_PER_YEAR);

/** S·σ√τ of a leg, exact. */
function volOf(leg: LegInput): Dec {
  return fromWad(leg.spotWad).times(fromWad(leg.sigmaWad)).times(yearsOf(leg).sqrt());
}

/** The whole-wei rounding the price bound allows on top of its relative part: three wei. */
export const PRICE_ROUNDING = new D("3e-18");

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
}

/** Max errors of each implementation's outputs; the reference is computed once per point. */
export function compareCdf(xs: bigint[], outputs: CdfOutputs[]): CdfReport[] {
  const reports: CdfReport[] = outputs.map(() => ({
    points: xs.length,
    cdf: { error: new D(0), at: undefined },
    pdf: { error: new D(0), at: undefined },
  }));
  xs.forEach((x, i) => {
    const xd = fromWad(x);
    const cdf = normCdf(xd);
    const pdf = normPdf(xd);
    outputs.forEach((o, k) => {
      reports[k].cdf = worse(reports[k].cdf, fromWad(o.cdfs[i]).minus(cdf).abs(), x);
      if (o.pdfs !== undefined)
        reports[k].pdf = worse(reports[k].pdf, fromWad(o.pdfs[i]).minus(pdf).abs(), x);
    });
  });
  return reports;
}

/** φ(d1) at or above which the gamma bound is relative (the threshold). */
export const GAMMA_RELATIVE_FLOOR = new D("1e-6");

export interface LegReport {
  legs: number;
  delta: Worst<LegInput>;
  /** Relative error of gamma over the legs with φ(d1) ≥ GAMMA_RELATIVE_FLOOR. */
  gammaRelative: Worst<LegInput>;
  gammaRelativeLegs: number;
  /**
   * Over the other legs, the absolute error of gamma times S·σ√τ: the error in units of φ(d1), which
   * the library's bound there (two wei of φ over S·σ√τ) is stated in.
   */
  gammaAbsolute: Worst<LegInput>;
}

/** Max errors of each implementation's outputs; the reference is computed once per leg. */
export function compareLegs(legs: LegInput[], outputs: LegOutputs[]): LegReport[] {
  const reports: LegReport[] = outputs.map(() => ({
    legs: legs.length,
    delta: { error: new D(0), at: undefined },
    gammaRelative: { error: new D(0), at: undefined },
    gammaRelativeLegs: 0,
    gammaAbsolute: { error: new D(0), at: undefined },
  }));
  legs.forEach((leg, i) => {
    const ref = blackScholes(leg);
    const relative = leg.tauSeconds > 0n && normPdf(ref.d1).gte(GAMMA_RELATIVE_FLOOR);
    outputs.forEach((o, k) => {
      const report = reports[k];
      report.delta = worse(report.delta, fromWad(o.deltas[i]).minus(ref.callDelta).abs(), leg);
      const gammaError = new D(o.gammasE36[i].toString()).div(E36).minus(ref.gamma).abs();
      if (relative) {
        report.gammaRelativeLegs++;
        report.gammaRelative = worse(report.gammaRelative, gammaError.div(ref.gamma), leg);
      } else {
        report.gammaAbsolute = worse(report.gammaAbsolute, gammaError.times(volOf(leg)), leg);
      }
    });
  });
  return reports;
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
  /**
   * (|price error| − 3 wei) / (S + K·e^{−rτ}), floored at 0: the form the library's price bound is
   * stated in (the discounted strike, which r = −100% over 10 years makes 22,026·K).
   */
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
    const discount = fromWad(leg.rateWad).neg().times(yearsOf(leg)).exp();
    const scale = fromWad(leg.spotWad).plus(fromWad(leg.strikeWad).times(discount));
    const priceError = D.max(
      fromWad(r.callWad).minus(prices.call).abs(),
      fromWad(r.putWad).minus(prices.put).abs(),
    )
      .minus(PRICE_ROUNDING)
      .clampedTo(0, Infinity)
      .div(scale);
    report.price = worse(report.price, priceError, leg);
    if (leg.tauSeconds > 0n) {
      const pdf = normPdf(ref.d1);
      report.d1Weighted = worse(report.d1Weighted, fromWad(r.d1Wad).minus(ref.d1).abs().times(pdf), leg);
      const sqrtTau = yearsOf(leg).sqrt();
      const vegaScale = fromWad(leg.spotWad).times(sqrtTau).plus(1);
      report.vega = worse(report.vega, fromWad(r.vegaWad).minus(ref.vega).abs().div(vegaScale), leg);
    }
  });
  return report;
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
