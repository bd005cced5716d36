import { type Contract, formatUnits, getAddress, isAddress, parseUnits } from "ethers";

import { UserError } from "../config/env";
import { BandPolicy } from "../vault/deltaHedge";
import { DURATION_RANGES, formatDuration, parseDuration } from "../cli/args";
import { type AdminChange, type AdminTarget, assertFits, requireDeltaHedge } from "./changes";

/**
 * The delta-hedged vault's own parameters as the vault:* tasks change them: the book, σ's source and
 * bounds, r, the target delta, the band and the book limits. Values are given in the units a
 * strategist thinks in — σ and r as fractions or percentages ("0.8", "80%"), deltas and widths in
 * underlying units ("-0.5"), durations with units ("1h") — and become the contract's integers here;
 * each field is checked against its Solidity type before anything is simulated (the vault checks
 * its own bounds, decoded in words when it refuses).
 */

/** How one `--set` key maps to a struct field: parse the text, show a stored value. */
interface FieldSpec {
  field: string;
  parse: (key: string, text: string) => bigint | string;
  show: (value: bigint | string) => string;
}

/** A fraction, or a percentage: "0.8", "80%", "-4%" → WAD. */
function fraction(key: string, text: string): bigint {
  const m = /^(-?\d+(?:\.\d+)?)(%)?$/.exec(text.trim());
  if (!m) throw new UserError(`${key} '${text}' is not a number or a percentage, e.g. 0.8 or 80%.`);
  const wad = parseUnits(m[1], 18);
  return m[2] ? wad / 100n : wad;
}

/** A WAD as a fraction and a percentage: "0.8 (80%)". */
const showFraction = (v: bigint | string) => {
  const x = BigInt(v);
  return `${formatUnits(x, 18)} (${formatUnits(x * 100n, 18)}%)`;
};

/** Underlying units: "-0.5", "12" → WAD. */
function amount(key: string, text: string): bigint {
  if (!/^-?\d+(\.\d{1,18})?$/.test(text.trim()))
    throw new UserError(`${key} '${text}' is not an amount of the underlying, e.g. 0.5 or -2.`);
  return parseUnits(text.trim(), 18);
}
const showAmount = (v: bigint | string) => formatUnits(BigInt(v), 18);

const whole = (key: string, text: string): bigint => {
  if (!/^\d+$/.test(text.trim())) throw new UserError(`${key} '${text}' is not a whole number.`);
  return BigInt(text.trim());
};
const address = (key: string, text: string): string => {
  if (!isAddress(text.trim()))
    throw new UserError(`${key} '${text}' is not an address (0x + 40 hex digits).`);
  return getAddress(text.trim());
};
const seconds = (key: string, text: string): bigint =>
  BigInt(Math.round(parseDuration(key, text, DURATION_RANGES.parameter)));
const showSeconds = (v: bigint | string) => (BigInt(v) === 0n ? "0 (off)" : formatDuration(Number(v)));
const policyName = (key: string, text: string): bigint => {
  const code = (BandPolicy as Record<string, number>)[text.trim()];
  if (code === undefined)
    throw new UserError(`${key} '${text}' is one of ${Object.keys(BandPolicy).join(", ")}.`);
  return BigInt(code);
};
const showPolicy = (v: bigint | string) =>
  Object.keys(BandPolicy).find((k) => BigInt((BandPolicy as Record<string, number>)[k]) === BigInt(v)) ??
  String(v);

const VOLATILITY: Record<string, FieldSpec> = {
  feed: { field: "feed", parse: address, show: String },
  maxStaleness: { field: "maxStalenessSeconds", parse: seconds, show: showSeconds },
  sigma: { field: "sigmaWad", parse: fraction, show: showFraction },
  minSigma: { field: "minSigmaWad", parse: fraction, show: showFraction },
  maxSigma: { field: "maxSigmaWad", parse: fraction, show: showFraction },
};

const BAND: Record<string, FieldSpec> = {
  policy: { field: "policy", parse: policyName, show: showPolicy },
  relativeBps: { field: "relativeBps", parse: whole, show: String },
  costBps: { field: "costBps", parse: whole, show: String },
  absolute: { field: "absoluteWad", parse: amount, show: showAmount },
  riskAversion: { field: "riskAversionWad", parse: amount, show: showAmount },
  minHalfWidth: { field: "minHalfWidthWad", parse: amount, show: showAmount },
  maxHalfWidth: { field: "maxHalfWidthWad", parse: amount, show: showAmount },
};

const BOOK_LIMITS: Record<string, FieldSpec> = {
  expiryUnwind: { field: "expiryUnwindSeconds", parse: seconds, show: showSeconds },
  bookCooldown: { field: "bookCooldownSeconds", parse: seconds, show: showSeconds },
};

/** "k=v,k=v" into a map, each key one of `specs`. */
function parsePairs(flag: string, text: string, specs: Record<string, FieldSpec>): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(\w+)=(.+)$/.exec(part);
    if (!m) throw new UserError(`--${flag} '${part}' is not key=value.`);
    if (!specs[m[1]])
      throw new UserError(`--${flag}: unknown key '${m[1]}'; known: ${Object.keys(specs).join(", ")}.`);
    out.set(m[1], m[2]);
  }
  if (out.size === 0) throw new UserError(`--${flag} needs at least one key=value.`);
  return out;
}

/** A struct setter with the named fields changed and the rest as the vault has them. */
async function structChange(
  target: AdminTarget,
  method: string,
  getter: string,
  specs: Record<string, FieldSpec>,
  text: string,
): Promise<AdminChange> {
  requireDeltaHedge(target, method);
  const pairs = parsePairs("set", text, specs);
  const components = target.contract.interface.getFunction(method)!.inputs[0].components!;
  const parsed = new Map<string, bigint | string>();
  for (const [key, value] of pairs) {
    const spec = specs[key];
    const v = spec.parse(key, value);
    if (typeof v === "bigint")
      assertFits(`--set ${key}`, components.find((c) => c.name === spec.field)!.type, v);
    parsed.set(spec.field, v);
  }
  const current = (await (target.contract as Contract)[getter]()) as Record<string, bigint | string>;
  const next = Object.fromEntries(
    components.map((c) => [c.name, parsed.has(c.name) ? parsed.get(c.name)! : current[c.name]]),
  );
  const changes = [...pairs.keys()]
    .map((key) => specs[key])
    .filter((spec) => String(current[spec.field]) !== String(parsed.get(spec.field)))
    .map((spec) => `${spec.field} ${spec.show(current[spec.field])} → ${spec.show(parsed.get(spec.field)!)}`);
  return { method, args: [next], changes, callers: "owner", kinds: ["delta-hedge"] };
}

/** vault:volatility: σ's feed, its staleness limit, the admin σ and the bounds. */
export const volatilityChange = (target: AdminTarget, text: string) =>
  structChange(target, "setVolatility", "volatility", VOLATILITY, text);

/** vault:band: the band policy, its parameters and clamps. */
export const bandChange = (target: AdminTarget, text: string) =>
  structChange(target, "setBand", "band", BAND, text);

/** vault:book-limits: the expiry unwind window and the book-change cooldown. */
export const bookLimitsChange = (target: AdminTarget, text: string) =>
  structChange(target, "setBookLimits", "bookLimits", BOOK_LIMITS, text);

/** A one-value setter: parse, check its type, show old → new. */
async function scalarChange(
  target: AdminTarget,
  method: string,
  getter: string,
  value: bigint | string,
  show: (v: bigint | string) => string,
): Promise<AdminChange> {
  requireDeltaHedge(target, method);
  if (typeof value === "bigint")
    assertFits(`--${getter}`, target.contract.interface.getFunction(method)!.inputs[0].type, value);
  const current = (await (target.contract as Contract)[getter]()) as bigint | string;
  return {
    method,
    args: [value],
    changes: String(current) === String(value) ? [] : [`${getter} ${show(current)} → ${show(value)}`],
    callers: "owner",
    kinds: ["delta-hedge"],
  };
}

/** vault:rate: r, annual and continuously compounded ("0.04", "4%"). */
export const rateChange = (target: AdminTarget, text: string) =>
  scalarChange(target, "setRate", "rateWad", fraction("--rate", text), showFraction);

/** vault:target-delta: the target net delta in underlying units ("0", "-0.5"). */
export const targetDeltaChange = (target: AdminTarget, text: string) =>
  scalarChange(target, "setTargetDelta", "targetDeltaWad", amount("--delta", text), showAmount);

/** vault:book: the options book the hedge follows. */
export const bookChange = (target: AdminTarget, text: string) =>
  scalarChange(target, "setBook", "book", address("--book", text), String);
