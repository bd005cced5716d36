import { UserError } from "../config/env";
import { parseChoice, parseDuration, parseNumber, parsePrice } from "../cli/args";
import { type BacktestOptions, DEFAULT_OPTIONS } from "./run";

/** The backtest task's flags as the command line gives them (strings; undefined when absent). */
export interface BacktestArgs {
  prices?: string;
  from?: string;
  to?: string;
  step?: string;
  checkEvery?: string;
  maxGap?: string;
  vault?: string;
  weightPolicies?: string;
  hedgePolicies?: string;
  feeTier?: string;
  depth?: string;
  gasPrice?: string;
  ethPrice?: string;
  nav?: string;
  bookSize?: string;
  sigma?: string;
  vaultConfig?: string;
  borrowApr?: string;
  supplyApr?: string;
}

const FEE_TIERS = ["100", "500", "3000", "10000"] as const;
const VAULTS = ["both", "target-weight", "delta-hedge", "leverage", "all"] as const;

/** Flags → options, each mistake one UserError naming the flag; nothing is read or written here. */
export function backtestOptions(a: BacktestArgs): BacktestOptions {
  const o: BacktestOptions = { ...DEFAULT_OPTIONS, bookFlags: {} };
  o.configFile = a.vaultConfig;
  if (a.prices !== undefined) o.pricesFile = a.prices;
  o.from = a.from;
  o.to = a.to;
  const hours = { min: 60, max: 30 * 86400 };
  if (a.step !== undefined) o.stepSeconds = parseDuration("step", a.step, hours);
  if (a.checkEvery !== undefined) o.checkEverySeconds = parseDuration("check-every", a.checkEvery, hours);
  if (a.maxGap !== undefined)
    o.maxGapSeconds = parseDuration("max-gap", a.maxGap, { min: 60, max: 365 * 86400 });
  if (o.checkEverySeconds < o.stepSeconds)
    throw new UserError(
      `--check-every ${a.checkEvery} is shorter than --step ${a.step ?? "1h"}: the keeper cannot check between price rows.`,
    );
  if (a.vault !== undefined) {
    const v = parseChoice("vault", a.vault, VAULTS);
    o.vaults = v === "both" || v === "all" ? ["target-weight", "delta-hedge"] : v === "leverage" ? [] : [v];
    o.leverage = v === "leverage" || v === "all";
  }
  if (a.weightPolicies !== undefined) o.weightPolicies = a.weightPolicies;
  if (a.hedgePolicies !== undefined) o.hedgePolicies = a.hedgePolicies;
  if (a.feeTier !== undefined) o.feePips = Number(parseChoice("fee-tier", a.feeTier, FEE_TIERS));
  if (a.depth !== undefined) o.depthQuote = parseNumber("depth", a.depth, { min: 1000, max: 1e12 });
  if (a.gasPrice !== undefined)
    o.gasPriceGwei = parseNumber("gas-price", a.gasPrice, { min: 0, max: 10_000 });
  if (a.ethPrice !== undefined) o.ethPrice = parsePrice("eth-price", a.ethPrice);
  if (a.nav !== undefined) o.nav = parseNumber("nav", a.nav, { min: 100, max: 1e12 });
  if (a.bookSize !== undefined)
    o.bookFlags.size = parseNumber("book-size", a.bookSize, { min: 0.001, max: 1e7 });
  if (a.sigma !== undefined) o.bookFlags.sigma = parseNumber("sigma", a.sigma, { min: 0.05, max: 3 });
  const apr = { min: 0, max: 1 };
  if (a.borrowApr !== undefined)
    o.lending = { ...o.lending, borrowApr: parseNumber("borrow-apr", a.borrowApr, apr) };
  if (a.supplyApr !== undefined)
    o.lending = { ...o.lending, supplyApr: parseNumber("supply-apr", a.supplyApr, apr) };
  return o;
}
