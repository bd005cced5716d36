import { UserError } from "../config/env";
import { Mode, Policy } from "../vault/enums";
import { BandPolicy, demoHedgePreset } from "../vault/deltaHedge";
import type { ModelSettings } from "./engineModel";
import type { ModelBand } from "./hedgeModel";

/**
 * The trigger policies a backtest compares, written as short specs (`abs:500:edge`). Each becomes
 * the vault settings that implement it on-chain — policy, mode, bands, interval — plus, for the one
 * policy the contracts cannot express themselves, a keeper-side gate (see `volBand`).
 */

/** A volatility-scaled band: `bps · refVol / σ_EWMA`, clamped to [minBps, maxBps]: tighter in stress, wider in calm. */
export interface VolBand {
  bps: number;
  minBps: number;
  maxBps: number;
}

export interface WeightPolicy {
  kind: "target-weight";
  spec: string;
  /** What the policy does, in words (the table's and the chart's legend). */
  label: string;
  /** The base every other policy is measured against: allocated once, never rebalanced. */
  base: boolean;
  settings: Partial<ModelSettings>;
  absBandBps: number;
  relBandBps: number;
  /**
   * Keeper-side: the vault's band is set to `minBps` (so the contract's predicate says Due from
   * there) and the keeper calls rebalance() only once the largest drift exceeds the scaled band.
   * The contracts have no on-chain volatility estimate for the target-weight vault; the trade sizes
   * are still the contract's.
   */
  volBand?: VolBand;
}

export interface HedgePolicy {
  kind: "delta-hedge";
  spec: string;
  label: string;
  /** The base: the book left unhedged (the vault never trades). */
  base: boolean;
  settings: Partial<ModelSettings>;
  band: ModelBand;
  /** σ from a feed publishing the EWMA of realized volatility (VolatilitySettings.feed) instead of the admin's fixed σ. */
  volFeed: boolean;
}

export type AnyPolicy = WeightPolicy | HedgePolicy;

/**
 * The default comparison: the base and fourteen policies per vault type — each family at a few
 * widths, so the cost / tracking-error frontier is a curve rather than a handful of points.
 */
export const DEFAULT_POLICIES = {
  "target-weight": [
    "hold",
    "time:1d",
    "time:7d",
    "time:30d",
    "abs:200",
    "abs:300",
    "abs:500",
    "abs:300:edge",
    "abs:500:edge",
    "rel:1000",
    "rel:2000",
    "hybrid:300:7d",
    "hybrid:500:30d",
    "vol:300:150:600",
    "vol:500:200:1000",
  ],
  "delta-hedge": [
    "unhedged",
    "time:4h",
    "time:1d",
    "abs:1",
    "abs:2",
    "abs:5",
    "abs:2:edge",
    "abs:5:edge",
    "rel:200",
    "rel:500",
    "ww:10:0.002",
    "ww:10:0.0005",
    "ww:10:0.0005:edge",
    "ww-vol:10:0.002",
    "ww-vol:10:0.0005",
  ],
} as const;

export const POLICY_FORMS = {
  "target-weight":
    "hold, time:<interval> (e.g. time:1d), abs:<bps>[:edge], rel:<bps of target>[:edge], hybrid:<bps>:<interval>, vol:<bps>:<min bps>:<max bps>",
  "delta-hedge":
    "unhedged, time:<interval>, abs:<ETH>[:edge], rel:<bps of gross>[:edge], ww:<cost bps>:<risk aversion>[:edge], ww-vol:<cost bps>:<risk aversion>[:edge]",
} as const;

/**
 * The bounds below are the vaults' own (ConstantsLib), so every policy is one a vault can be
 * deployed with. A time policy ignores the band; its vault keeps the demo's ±5 % (a band is required).
 */
const TIME_BAND_BPS = 500;

const DURATION = /^(\d+)(m|h|d|w)$/;
const SECONDS = { m: 60, h: 3600, d: 86400, w: 7 * 86400 } as const;

function unknown(kind: keyof typeof POLICY_FORMS, spec: string, why?: string): UserError {
  return new UserError(
    `unknown ${kind} policy '${spec}'${why ? ` (${why})` : ""}: use one of ${POLICY_FORMS[kind]}.`,
  );
}

function duration(kind: keyof typeof POLICY_FORMS, spec: string, value: string | undefined): number {
  const m = DURATION.exec(value ?? "");
  if (!m) throw unknown(kind, spec, `'${value ?? ""}' is not an interval like 4h, 1d or 1w`);
  const s = Number(m[1]) * SECONDS[m[2] as keyof typeof SECONDS];
  if (s < 3600 || s > 365 * 86400) throw unknown(kind, spec, "the vault takes an interval from 1h to 365d");
  return s;
}

function integer(
  kind: keyof typeof POLICY_FORMS,
  spec: string,
  value: string | undefined,
  lo: number,
  hi: number,
): number {
  const n = /^\d+$/.test(value ?? "") ? Number(value) : NaN;
  if (!(n >= lo && n <= hi))
    throw unknown(kind, spec, `'${value ?? ""}' must be a whole number from ${lo} to ${hi}`);
  return n;
}

function positive(
  kind: keyof typeof POLICY_FORMS,
  spec: string,
  value: string | undefined,
  hi: number,
): number {
  const n = /^\d+(\.\d+)?$/.test(value ?? "") ? Number(value) : NaN;
  if (!(n > 0 && n <= hi))
    throw unknown(kind, spec, `'${value ?? ""}' must be a positive number up to ${hi}`);
  return n;
}

const words = (seconds: number) =>
  seconds % 604800 === 0
    ? `${seconds / 604800} w`
    : seconds % 86400 === 0
      ? `${seconds / 86400} d`
      : seconds % 3600 === 0
        ? `${seconds / 3600} h`
        : `${seconds / 60} min`;

/** A target-weight policy from its spec. */
export function weightPolicy(spec: string): WeightPolicy {
  const kind = "target-weight";
  const [name, ...args] = spec.trim().split(":");
  const edge = args[args.length - 1] === "edge";
  if (edge) args.pop();
  const base = { kind, spec: spec.trim(), base: false, relBandBps: 0 } as const;
  const mode = edge ? Mode.ToBandEdge : Mode.ToTarget;
  const to = edge ? "to the band edge" : "to target";
  if (edge && !["abs", "rel"].includes(name)) throw unknown(kind, spec, "only abs and rel take :edge");
  switch (name) {
    case "hold":
      if (args.length) break;
      return { ...base, label: "buy and hold", base: true, settings: {}, absBandBps: TIME_BAND_BPS };
    case "time": {
      if (args.length !== 1) break;
      const s = duration(kind, spec, args[0]);
      return {
        ...base,
        label: `every ${words(s)}, to target`,
        settings: { policy: Policy.Time, mode, intervalSeconds: s },
        absBandBps: TIME_BAND_BPS,
      };
    }
    case "abs": {
      if (args.length !== 1) break;
      const bps = integer(kind, spec, args[0], 10, 5000);
      return {
        ...base,
        label: `±${bps / 100}% band, ${to}`,
        settings: { policy: Policy.Threshold, mode },
        absBandBps: bps,
      };
    }
    case "rel": {
      if (args.length !== 1) break;
      const bps = integer(kind, spec, args[0], 100, 10_000);
      return {
        ...base,
        label: `±${bps / 100}% of target, ${to}`,
        settings: { policy: Policy.Threshold, mode },
        absBandBps: 0,
        relBandBps: bps,
      };
    }
    case "hybrid": {
      if (args.length !== 2) break;
      const bps = integer(kind, spec, args[0], 10, 5000);
      const s = duration(kind, spec, args[1]);
      return {
        ...base,
        label: `±${bps / 100}% band or every ${words(s)}`,
        settings: { policy: Policy.Hybrid, mode, intervalSeconds: s },
        absBandBps: bps,
      };
    }
    case "vol": {
      if (args.length !== 3) break;
      const [bps, minBps, maxBps] = args.map((a) => integer(kind, spec, a, 10, 5000));
      if (!(minBps <= bps && bps <= maxBps)) throw unknown(kind, spec, "it needs min ≤ bps ≤ max");
      return {
        ...base,
        label: `±${bps / 100}% band scaled by 1/EWMA vol within ${minBps / 100}–${maxBps / 100}%`,
        settings: { policy: Policy.Threshold, mode },
        absBandBps: minBps,
        volBand: { bps, minBps, maxBps },
      };
    }
  }
  throw unknown(kind, spec);
}

/** A delta-hedge policy from its spec; `clamp` is the band's [min, max] half-width (ETH). */
export function hedgePolicy(spec: string): HedgePolicy {
  const kind = "delta-hedge";
  const [name, ...args] = spec.trim().split(":");
  const edge = args[args.length - 1] === "edge";
  if (edge) args.pop();
  const mode = edge ? Mode.ToBandEdge : Mode.ToTarget;
  const to = edge ? "to the band edge" : "to target";
  // The base and time policies keep the demo's band, ±0.5 ETH (the vault requires one; neither uses it).
  const band: ModelBand = { ...demoHedgePreset().band };
  const base = { kind, spec: spec.trim(), base: false, volFeed: false } as const;
  if (edge && !["abs", "rel", "ww", "ww-vol"].includes(name))
    throw unknown(kind, spec, "only band policies take :edge");
  switch (name) {
    case "unhedged":
      if (args.length) break;
      return { ...base, label: "unhedged", base: true, settings: {}, band };
    case "time": {
      if (args.length !== 1) break;
      const s = duration(kind, spec, args[0]);
      return {
        ...base,
        label: `every ${words(s)}, to target`,
        settings: { policy: Policy.Time, mode, intervalSeconds: s },
        band,
      };
    }
    case "abs": {
      if (args.length !== 1) break;
      const eth = positive(kind, spec, args[0], 1000);
      return {
        ...base,
        label: `±${eth} ETH band, ${to}`,
        settings: { policy: Policy.Threshold, mode },
        band: { ...band, absoluteWad: BigInt(Math.round(eth * 1e6)) * 10n ** 12n },
      };
    }
    case "rel": {
      if (args.length !== 1) break;
      const bps = integer(kind, spec, args[0], 1, 5000);
      return {
        ...base,
        label: `±${bps / 100}% of the book, ${to}`,
        settings: { policy: Policy.Threshold, mode },
        band: { ...band, policy: BandPolicy.RelativeToGross, relativeBps: bps },
      };
    }
    case "ww":
    case "ww-vol": {
      if (args.length !== 2) break;
      const costBps = integer(kind, spec, args[0], 1, 1000);
      const gamma = positive(kind, spec, args[1], 1000);
      return {
        ...base,
        label: `Whalley–Wilmott λ ${costBps} bps γ ${gamma}${name === "ww-vol" ? ", σ = EWMA" : ""}, ${to}`,
        settings: { policy: Policy.Threshold, mode },
        band: {
          ...band,
          policy: BandPolicy.WhalleyWilmott,
          costBps,
          riskAversionWad: BigInt(Math.round(gamma * 1e12)) * 10n ** 6n,
        },
        volFeed: name === "ww-vol",
      };
    }
  }
  throw unknown(kind, spec);
}

/** Parses a comma-separated list; duplicates are one line too. */
export function parsePolicies(kind: "target-weight", list: string): WeightPolicy[];
export function parsePolicies(kind: "delta-hedge", list: string): HedgePolicy[];
export function parsePolicies(kind: "target-weight" | "delta-hedge", list: string): AnyPolicy[] {
  const specs = list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (specs.length === 0)
    throw new UserError(`no ${kind} policy given: use one or more of ${POLICY_FORMS[kind]}.`);
  const seen = new Set<string>();
  return specs.map((s) => {
    if (seen.has(s)) throw new UserError(`${kind} policy '${s}' is listed twice: name each once.`);
    seen.add(s);
    return kind === "target-weight" ? weightPolicy(s) : hedgePolicy(s);
  });
}
