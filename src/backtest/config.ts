import fs from "node:fs";
import path from "node:path";

import { z } from "zod";

import { UserError } from "../config/env";
import type { ModelAmounts, ModelSettings } from "./engineModel";
import type { BookPlan } from "./simulate";

/**
 * `backtest --vault-config <file.json>`: the vaults the backtest replays, where the demo presets are not
 * the vault a strategist means to deploy. Every field is optional and falls back to the preset; the
 * policy under test still sets the trigger (policy, mode, interval, bands). Bounds are the vaults'
 * own (ConstantsLib), so a configuration that passes is one a vault can be deployed with. Parsed
 * with zod: a schema library's messages name the field, and unknown keys are refused.
 *
 *   {
 *     "targetWeight": { "targetBps": [4000, 3000, 3000],
 *                       "settings": { "maxTradeBps": 2500, "cooldownSeconds": 3600, … },
 *                       "amounts": { "minTradeValue": "100000000", … } },
 *     "deltaHedge":   { "settings": { … }, "amounts": { … },
 *                       "limits": { "expiryUnwindSeconds": 86400, "bookCooldownSeconds": 14400 },
 *                       "book": { "size": 100, "tenorDays": 30, "sigma": 0.65, "rate": 0.04 } }
 *   }
 */

const int = (min: number, max: number) => z.number().int().min(min).max(max);
/** A quote amount in the quote token's units, as a decimal string (or a safe integer). */
const units = (bits: number) =>
  z
    .union([
      z.string().regex(/^\d+$/, "expected a whole number of quote units, as a string"),
      z.number().int().min(0),
    ])
    .transform((v) => BigInt(v))
    .refine((v) => v < 1n << BigInt(bits), `must fit uint${bits}`);

/** The settings a strategist may fix; the trigger's own (policy, mode, interval) belong to the policy. */
const settings = z
  .object({
    maxSlippageBps: int(0, 500),
    maxPoolDeviationBps: int(1, 1000),
    maxTradeBps: int(100, 10_000),
    bandHysteresisBps: int(0, 9000),
    cooldownSeconds: int(0, 7 * 86400),
    periodSeconds: int(3600, 30 * 86400),
    maxRebalancesPerPeriod: int(1, 65_535),
    maxCostBpsPerPeriod: int(1, 1000),
    rewardBps: int(0, 50),
  })
  .partial()
  .strict();

const amounts = z
  .object({ minTradeValue: units(96), maxRewardPerCall: units(80), rewardCapPerPeriod: units(80) })
  .partial()
  .strict();

const schema = z
  .object({
    targetWeight: z
      .object({
        targetBps: z
          .array(int(0, 10_000))
          .min(2)
          .max(8)
          .refine((t) => t.reduce((a, b) => a + b, 0) === 10_000, "must sum to 10000 (quote first)"),
        settings,
        amounts,
      })
      .partial()
      .strict(),
    deltaHedge: z
      .object({
        settings,
        amounts,
        limits: z
          .object({ expiryUnwindSeconds: int(3600, 30 * 86400), bookCooldownSeconds: int(0, 7 * 86400) })
          .partial()
          .strict(),
        book: z
          .object({
            size: z.number().positive().max(1e7),
            tenorDays: int(1, 365),
            sigma: z.number().min(0.05).max(3),
            rate: z.number().min(-1).max(1),
          })
          .partial()
          .strict(),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

/** What a configuration overrides, per vault type. */
export interface VaultSetup {
  weight: { targetBps?: number[]; settings: Partial<ModelSettings>; amounts: Partial<ModelAmounts> };
  hedge: {
    settings: Partial<ModelSettings>;
    amounts: Partial<ModelAmounts>;
    limits: Partial<{ expiryUnwindSeconds: number; bookCooldownSeconds: number }>;
    book: Partial<BookPlan>;
  };
}

export const NO_SETUP: VaultSetup = {
  weight: { settings: {}, amounts: {} },
  hedge: { settings: {}, amounts: {}, limits: {}, book: {} },
};

/** Parses a configuration's text; every mistake is one UserError naming the file and the field. */
export function parseSetup(text: string, source: string): VaultSetup {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${source} is not JSON: ${(e as Error).message}.`);
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue.path.length ? issue.path.join(".") : "the top level";
    throw new UserError(`${source}: ${where}: ${issue.message.replace(/\.$/, "")}.`);
  }
  const c = r.data;
  return {
    weight: {
      targetBps: c.targetWeight?.targetBps,
      settings: c.targetWeight?.settings ?? {},
      amounts: c.targetWeight?.amounts ?? {},
    },
    hedge: {
      settings: c.deltaHedge?.settings ?? {},
      amounts: c.deltaHedge?.amounts ?? {},
      limits: c.deltaHedge?.limits ?? {},
      book: c.deltaHedge?.book ?? {},
    },
  };
}

export function loadSetup(file: string): VaultSetup {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UserError(
      `cannot read --vault-config ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`,
    );
  }
  return parseSetup(text, path.basename(file));
}
