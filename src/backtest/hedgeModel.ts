import { BPS, WAD } from "../math/units";
import { Policy } from "../vault/enums";
import { BandPolicy } from "../vault/deltaHedge";
import {
  type ModelAmounts,
  type ModelSettings,
  type ModelState,
  type ModelStatus,
  type ModelValuation,
  Mode,
  Reason,
  abs,
  assess,
  max,
  min,
  mulDiv,
  unitOf,
} from "./engineModel";

/**
 * DeltaHedgeStrategy in TypeScript: _hedge, _targetDeltas, _deviation and HedgeBandLib, over the
 * book's Greeks. Everything after the Greeks is integer for integer with the contracts. The Greeks
 * themselves (BookGreeksLib over BlackScholesLib's fixed-point Φ, exp, ln) are computed here in
 * double precision: the differential test bounds how far that moves the decision and the trade.
 */

/** One option of the book, in plain units (underlying, quote per underlying, unix seconds). */
export interface BookOption {
  isCall: boolean;
  isLong: boolean;
  expiry: number;
  strike: number;
  size: number;
}

/** BookGreeks: delta and gamma (signed, summed), gross size and the gamma-weighted discount. */
export interface ModelGreeks {
  deltaWad: bigint;
  gammaE36: bigint;
  grossSizeWad: bigint;
  discountWad: bigint;
  liveLegs: number;
}

/** BandConfig (IDeltaHedgeVault.sol). */
export interface ModelBand {
  policy: number;
  relativeBps: number;
  costBps: number;
  absoluteWad: bigint;
  riskAversionWad: bigint;
  minHalfWidthWad: bigint;
  maxHalfWidthWad: bigint;
}

/** The hedge's settings and its book-change memory (DeltaHedgeStorage). */
export interface HedgeConfig {
  band: ModelBand;
  targetDeltaWad: bigint;
  bookCooldownSeconds: number;
  /** σ in force and the bounds it must lie in (VolatilitySettings); outside them nothing trades. */
  sigmaWad: bigint;
  minSigmaWad: bigint;
  maxSigmaWad: bigint;
}
export interface HedgeMemory {
  /** Which book the last book-following rebalance saw (the contracts keep its hash). */
  bookId: number;
  bookRebalancedAt: number;
}

const SECONDS_PER_YEAR = 31_536_000;

/** Φ by West's (2005) double-precision rendering of Hart's algorithm 5666: |error| < 1e-15. */
export function normCdf(x: number): number {
  const z = Math.abs(x);
  let c: number;
  if (z > 37) c = 0;
  else {
    const e = Math.exp((-z * z) / 2);
    if (z < 7.07106781186547) {
      let n = 3.52624965998911e-2 * z + 0.700383064443688;
      n = n * z + 6.37396220353165;
      n = n * z + 33.912866078383;
      n = n * z + 112.079291497871;
      n = n * z + 221.213596169931;
      n = n * z + 220.206867912376;
      let d = 8.83883476483184e-2 * z + 1.75566716318264;
      d = d * z + 16.064177579207;
      d = d * z + 86.7807322029461;
      d = d * z + 296.564248779674;
      d = d * z + 637.333633378831;
      d = d * z + 793.826512519948;
      d = d * z + 440.413735824752;
      c = (e * n) / d;
    } else {
      const b = z + 1 / (z + 2 / (z + 3 / (z + 4 / (z + 0.65))));
      c = e / b / 2.506628274631;
    }
  }
  return x > 0 ? 1 - c : c;
}

const toWad = (x: number): bigint => BigInt(Math.trunc(x * 1e18));

/**
 * BookGreeksLib.aggregate in double precision: legs at or past expiry ignored, each leg's size faded
 * by τ / unwindSeconds over its last unwindSeconds, discount weighted by |size·Γ|.
 */
export function bookGreeks(
  book: BookOption[],
  spot: number,
  sigma: number,
  rate: number,
  now: number,
  unwindSeconds: number,
): ModelGreeks {
  let delta = 0;
  let gamma = 0;
  let gross = 0;
  let live = 0;
  let absGamma = 0;
  let weighted = 0;
  for (const leg of book) {
    if (leg.expiry <= now) continue;
    const tauSeconds = leg.expiry - now;
    const tau = tauSeconds / SECONDS_PER_YEAR;
    const size = tauSeconds < unwindSeconds ? (leg.size * tauSeconds) / unwindSeconds : leg.size;
    const volSqrtTau = sigma * Math.sqrt(tau);
    const d1 = (Math.log(spot / leg.strike) + (rate + (sigma * sigma) / 2) * tau) / volSqrtTau;
    const callDelta = normCdf(d1);
    const g = (Math.exp((-d1 * d1) / 2) / Math.sqrt(2 * Math.PI) / (spot * volSqrtTau)) * size;
    const legDelta = size * (leg.isCall ? callDelta : callDelta - 1);
    const sign = leg.isLong ? 1 : -1;
    delta += sign * legDelta;
    gamma += sign * g;
    gross += size;
    live++;
    absGamma += g;
    weighted += g * Math.exp(-rate * tau);
  }
  return {
    deltaWad: toWad(delta),
    gammaE36: BigInt(Math.trunc(gamma * 1e18)) * 10n ** 18n,
    grossSizeWad: toWad(gross),
    discountWad: absGamma === 0 ? WAD : toWad(weighted / absGamma),
    liveLegs: live,
  };
}

/** HedgeBandLib.halfWidthWad: the band policy, clamped to [min, max]. Whalley–Wilmott in double precision. */
export function halfWidthWad(band: ModelBand, g: ModelGreeks, spotWad: bigint): bigint {
  let h: bigint;
  if (band.policy === BandPolicy.Absolute) h = band.absoluteWad;
  else if (band.policy === BandPolicy.RelativeToGross) h = (g.grossSizeWad * BigInt(band.relativeBps)) / BPS;
  else if (g.gammaE36 === 0n || band.costBps === 0) h = 0n;
  else {
    const gamma = Number(abs(g.gammaE36)) / 1e36;
    const cube =
      (1.5 *
        (Number(g.discountWad) / 1e18) *
        (band.costBps / 1e4) *
        (Number(spotWad) / 1e18) *
        gamma *
        gamma) /
      (Number(band.riskAversionWad) / 1e18);
    h = toWad(Math.cbrt(cube));
  }
  return max(band.minHalfWidthWad, min(h, band.maxHalfWidthWad));
}

/** Underlying held, WAD (DeltaHedgeStrategy._underlyingWad). */
export const underlyingWad = (v: ModelValuation): bigint =>
  mulDiv(v.balances[1], WAD, unitOf(v.assets[1].decimals));

/** _targetDeltas of the hedged vault: the quote value to buy (+) or sell (−), deviation, band, book cooldown. */
export function hedgeDeltas(
  v: ModelValuation,
  c: HedgeConfig,
  g: ModelGreeks,
  bookId: number,
  memory: HedgeMemory,
  s: ModelSettings,
  now: number,
): {
  deltas: bigint[];
  deviationWad: bigint;
  outOfBand: boolean;
  reason?: number;
  detail?: bigint;
  halfWidthWad: bigint;
} {
  const deltas = [0n, 0n];
  const held = underlyingWad(v);
  const off = held + g.deltaWad - c.targetDeltaWad;
  const h = halfWidthWad(c.band, g, v.prices[1]);
  const deviationWad = abs(off);
  const outOfBand = deviationWad > h;
  if (bookId !== memory.bookId && (outOfBand || s.policy !== Policy.Threshold)) {
    const readyAt = memory.bookRebalancedAt + c.bookCooldownSeconds;
    if (now < readyAt)
      return {
        deltas,
        deviationWad,
        outOfBand,
        reason: Reason.BookChangeCooldown,
        detail: BigInt(readyAt),
        halfWidthWad: h,
      };
  }
  let change = -off;
  if (s.mode === Mode.ToBandEdge) {
    if (!outOfBand) return { deltas, deviationWad, outOfBand: false, halfWidthWad: h };
    const inner = (h * (BPS - BigInt(s.bandHysteresisBps))) / BPS;
    change = off > 0n ? inner - off : -inner - off;
  }
  if (change < 0n && -change > held) change = -held;
  deltas[1] = (change * v.prices[1]) / WAD;
  return { deltas, deviationWad, outOfBand, halfWidthWad: h };
}

/** The hedged vault's rebalanceStatus() for healthy feeds, σ within its bounds and a readable book. */
export function hedgeStatus(
  v: ModelValuation,
  c: HedgeConfig,
  g: ModelGreeks,
  bookId: number,
  memory: HedgeMemory,
  s: ModelSettings,
  amounts: ModelAmounts,
  state: ModelState,
  now: number,
): ModelStatus & { halfWidthWad: bigint; netDeltaWad: bigint } {
  const netDeltaWad = underlyingWad(v) + g.deltaWad;
  // _sigma(): a σ outside its bounds stops the hedge before the book is read (VolatilityUnhealthy;
  // _targetDeltas leaves the detail at 0).
  if (v.nav !== 0n && (c.sigmaWad < c.minSigmaWad || c.sigmaWad > c.maxSigmaWad)) {
    const st = assess(
      v,
      {
        deltas: [0n, 0n],
        deviationWad: 0n,
        outOfBand: false,
        reason: Reason.VolatilityUnhealthy,
        detail: 0n,
      },
      s,
      amounts,
      state,
      now,
    );
    return { ...st, halfWidthWad: 0n, netDeltaWad };
  }
  const t = hedgeDeltas(v, c, g, bookId, memory, s, now);
  if (v.nav === 0n) {
    const st = assess(v, { deltas: [], deviationWad: 0n, outOfBand: false }, s, amounts, state, now);
    return { ...st, halfWidthWad: t.halfWidthWad, netDeltaWad };
  }
  return { ...assess(v, t, s, amounts, state, now), halfWidthWad: t.halfWidthWad, netDeltaWad };
}
