import { parseUnits } from "ethers";

import { UserError } from "../config/env";

/**
 * Parsing of task arguments into typed values; each mistake is a UserError naming the flag, the value
 * and what is expected.
 */

/** A gas price given in gwei ("25", "0.5") as wei. */
export function parseGwei(flag: string, value: string): bigint {
  if (!/^\d+(\.\d{1,9})?$/.test(value.trim()) || Number(value) <= 0) {
    throw new UserError(`--${flag} '${value}' is not a gas price: give a positive number of gwei, e.g. 30.`);
  }
  return parseUnits(value.trim(), "gwei");
}

/** A positive number of seconds. */
export function parseSeconds(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UserError(`--${flag} '${value}' is not a duration: give a positive number of seconds.`);
  }
  return n;
}

/** A positive number (a multiple, a count). */
export function parsePositive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`--${flag} '${value}' must be a positive number.`);
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
