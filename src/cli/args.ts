import { parseUnits } from "ethers";

import { UserError } from "../config/env";

/**
 * Parsing of task arguments into typed values; each mistake is a UserError naming the flag, the value
 * and what is expected.
 */

/** An amount of ETH ("0.05") as wei. */
export function parseEth(flag: string, value: string): bigint {
  if (!/^\d+(\.\d{1,18})?$/.test(value.trim())) {
    throw new UserError(`--${flag} '${value}' is not an amount of ETH: give a number, e.g. 0.05.`);
  }
  return parseUnits(value.trim(), "ether");
}

/** A gas price given in gwei ("25", "0.5") as wei. */
export function parseGwei(flag: string, value: string): bigint {
  if (!/^\d+(\.\d{1,9})?$/.test(value.trim()) || Number(value) <= 0) {
    throw new UserError(`--${flag} '${value}' is not a gas price: give a positive number of gwei, e.g. 30.`);
  }
  return parseUnits(value.trim(), "gwei");
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** A duration in words, to the unit that reads best ("90 s", "15 min", "2 h", "1 d"). */
export function formatDuration(seconds: number): string {
  if (seconds >= 86400 && seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/**
 * A duration with an optional unit — "15" and "15s" are seconds; "500ms", "2m", "1h", "1d" — as
 * seconds, inside [min, max] seconds. The bounds keep a loop from hammering a paid RPC (too short)
 * and timers from overflowing (Node's are 32-bit milliseconds: about 24.8 days).
 */
export function parseDuration(flag: string, value: string, range: { min: number; max: number }): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) {
    throw new UserError(
      `--${flag} '${value}' is not a duration: give a number with an optional unit (ms, s, m, h, d), e.g. 15s or 2m.`,
    );
  }
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2] ?? "s"];
  if (seconds < range.min || seconds > range.max) {
    throw new UserError(
      `--${flag} '${value}' is out of range: between ${formatDuration(range.min)} and ${formatDuration(range.max)}.`,
    );
  }
  return seconds;
}

/** The bounds of each duration flag (README's task table lists them). */
export const DURATION_RANGES = {
  poll: { min: 0.5, max: 86400 },
  "stuck-after": { min: 5, max: 86400 },
  "backoff-cap": { min: 1, max: 86400 },
  "wait-timeout": { min: 1, max: 7 * 86400 },
  advance: { min: 1, max: 3650 * 86400 },
  "report-every": { min: 60, max: 86400 },
  /** A vault parameter in seconds (the vault checks its own bounds; 0 is often "off"). */
  parameter: { min: 0, max: 3650 * 86400 },
} as const;

/** A number in [min, max] (a multiple, a count). */
export function parseNumber(flag: string, value: string, range: { min: number; max: number }): number {
  const n = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < range.min || n > range.max) {
    throw new UserError(`--${flag} '${value}' must be a number between ${range.min} and ${range.max}.`);
  }
  return n;
}

/** A positive price ("3000", "0.0004"): quote tokens per ETH. */
export function parsePrice(flag: string, value: string): number {
  const n = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new UserError(`--${flag} '${value}' must be a positive number of quote tokens per ETH, e.g. 3000.`);
  }
  return n;
}

/** One of a fixed set of words. */
export function parseChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new UserError(`--${flag} '${value}' is not one of ${choices.join(", ")}.`);
  }
  return value as T;
}

/** Exactly one of --vault and --all. */
export function vaultSelection(args: { vault?: string; all: boolean }): { vault?: string; all: boolean } {
  if (args.vault && args.all) throw new UserError("pass either --vault <name|address> or --all, not both.");
  if (!args.vault && !args.all) throw new UserError("pass --vault <name|address> or --all.");
  return args;
}

/** A comma-separated list of integers, e.g. basis points "4000,3000,3000". */
export function parseIntList(flag: string, value: string, min: number, max: number): number[] {
  const parts = value.split(",").map((p) => p.trim());
  const out = parts.map(Number);
  if (parts.some((p) => !/^\d+$/.test(p)) || out.some((n) => n < min || n > max)) {
    throw new UserError(
      `--${flag} '${value}' must be a comma-separated list of whole numbers in [${min}, ${max}].`,
    );
  }
  return out;
}
