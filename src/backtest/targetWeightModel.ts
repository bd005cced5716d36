import { BPS, WAD } from "../math/units";
import {
  type ModelAmounts,
  type ModelSettings,
  type ModelState,
  type ModelStatus,
  type ModelValuation,
  Mode,
  abs,
  assess,
  dist,
  min,
  mulDiv,
} from "./engineModel";

/**
 * TargetWeightStrategy in TypeScript, integer for integer: _scan, _bandWad, _toBandEdge,
 * _targetDeltas and _deviation. With engineModel.ts it is the target-weight vault's
 * rebalanceStatus() for healthy oracles and pools.
 */

/** The strategy's stored configuration (TargetWeightStorage), bps per asset, quote first. */
export interface WeightConfig {
  targetBps: number[];
  absBandBps: number[];
  relBandBps: number[];
}

/** _bandWad: the tighter of the absolute and relative band, WAD of NAV; a band set to 0 is off. */
export function bandWad(c: WeightConfig, i: number): bigint {
  const absBps = BigInt(c.absBandBps[i]);
  const relBps = BigInt(c.relBandBps[i]);
  const absWad = (absBps * WAD) / BPS;
  const relWad = (relBps * BigInt(c.targetBps[i]) * WAD) / (BPS * BPS);
  if (relBps === 0n) return absWad;
  if (absBps === 0n) return relWad;
  return min(absWad, relWad);
}

/** Σ |weight − target| (WAD), with weights rounded down: _deviation. */
export function deviationWad(v: ModelValuation, c: WeightConfig): bigint {
  let d = 0n;
  for (let i = 0; i < v.values.length; i++)
    d += dist(mulDiv(v.values[i], WAD, v.nav), (BigInt(c.targetBps[i]) * WAD) / BPS);
  return d;
}

/** _targetDeltas: value to buy (+) or sell (−) per asset for the mode, the deviation and whether any asset is out. */
export function targetDeltas(
  v: ModelValuation,
  c: WeightConfig,
  s: ModelSettings,
): { deltas: bigint[]; deviationWad: bigint; outOfBand: boolean } {
  const n = v.values.length;
  let deviation = 0n;
  let anyOut = false;
  const bands: bigint[] = [];
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const drift = dist(mulDiv(v.values[i], WAD, v.nav), (BigInt(c.targetBps[i]) * WAD) / BPS);
    deviation += drift;
    bands.push(bandWad(c, i));
    out.push(drift > bands[i]);
    anyOut ||= out[i];
  }
  const deltas: bigint[] = new Array<bigint>(n).fill(0n);
  if (s.mode === Mode.ToBandEdge) {
    if (!anyOut) return { deltas, deviationWad: deviation, outOfBand: false };
    if (toBandEdge(v, c, s, bands, out, deltas)) return { deltas, deviationWad: deviation, outOfBand: true };
  }
  for (let i = 1; i < n; i++) deltas[i] = (BigInt(c.targetBps[i]) * v.nav) / BPS - v.values[i];
  return { deltas, deviationWad: deviation, outOfBand: anyOut };
}

/** _toBandEdge: fills `deltas`; false when the plan must go to target instead. */
function toBandEdge(
  v: ModelValuation,
  c: WeightConfig,
  s: ModelSettings,
  bands: bigint[],
  out: boolean[],
  deltas: bigint[],
): boolean {
  let quoteValue = v.values[0];
  for (let i = 1; i < deltas.length; i++) {
    if (!out[i]) continue;
    const inner = (bands[i] * (BPS - BigInt(s.bandHysteresisBps))) / BPS;
    const target = (BigInt(c.targetBps[i]) * WAD) / BPS;
    const over = v.values[i] * WAD > target * v.nav;
    const landing = over ? target + inner : target - min(inner, target);
    deltas[i] = mulDiv(landing, v.nav, WAD) - v.values[i];
    quoteValue -= deltas[i];
  }
  const quoteTarget = (BigInt(c.targetBps[0]) * v.nav) / BPS;
  const quoteDrift = dist(quoteValue, quoteTarget);
  const flow = abs(quoteValue - v.values[0]);
  return (
    mulDiv(quoteDrift, WAD, v.nav) <= bands[0] &&
    quoteDrift < dist(v.values[0], quoteTarget) + (flow * (BPS - 4n * BigInt(s.maxSlippageBps))) / BPS
  );
}

/** The target-weight vault's rebalanceStatus() for healthy feeds and pools. */
export function targetWeightStatus(
  v: ModelValuation,
  c: WeightConfig,
  s: ModelSettings,
  amounts: ModelAmounts,
  state: ModelState,
  now: number,
): ModelStatus {
  if (v.nav === 0n)
    return assess(v, { deltas: [], deviationWad: 0n, outOfBand: false }, s, amounts, state, now);
  return assess(v, targetDeltas(v, c, s), s, amounts, state, now);
}
