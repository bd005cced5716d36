import fs from "node:fs";
import path from "node:path";

import { UserError } from "../config/env";
import { type PriceSeries, checkGaps, loadSeries, PRICE_FILE } from "../data/prices";
import { NO_SETUP, type VaultSetup, loadSetup } from "./config";
import { DEFAULT_LENDING, type LendingCostModel, type LeverageResult, runLeverage } from "./leverageRun";
import { DEFAULT_POLICIES, type HedgePolicy, type WeightPolicy, parsePolicies } from "./policies";
import {
  type BookPlan,
  type CostModel,
  DEFAULT_BOOK,
  type Market,
  type PolicyResult,
  type RunConfig,
  compare,
  ewmaVolatility,
  runHedgePolicy,
  runWeightPolicy,
} from "./simulate";

/** Everything a backtest run takes; the task fills it from its flags (README lists each). */
export interface BacktestOptions {
  pricesFile: string;
  /** ISO dates or date-times (UTC); undefined: the series' first / last row. */
  from?: string;
  to?: string;
  stepSeconds: number;
  checkEverySeconds: number;
  maxGapSeconds: number;
  vaults: ("target-weight" | "delta-hedge")[];
  weightPolicies: string;
  hedgePolicies: string;
  feePips: number;
  depthQuote: number;
  gasPriceGwei: number;
  /** Quote per ETH for gas when the series has no ETH column. */
  ethPrice?: number;
  nav: number;
  /** The hedged book: DEFAULT_BOOK, then the configuration's, then `bookFlags` (--book-size, --sigma). */
  book: BookPlan;
  bookFlags: Partial<BookPlan>;
  /** `--vault-config`: the vaults' settings beyond the demo presets. */
  configFile?: string;
  ewmaDecayPerDay: number;
  referenceVol: number;
  /** Replay the leverage vault too (`--vault leverage` or `all`). */
  leverage: boolean;
  /** The lending market's rates and risk parameters for the leverage vault. */
  lending: LendingCostModel;
}

export const DEFAULT_OPTIONS: BacktestOptions = {
  pricesFile: PRICE_FILE,
  stepSeconds: 3600,
  checkEverySeconds: 3600,
  maxGapSeconds: 6 * 3600,
  vaults: ["target-weight", "delta-hedge"],
  weightPolicies: DEFAULT_POLICIES["target-weight"].join(","),
  hedgePolicies: DEFAULT_POLICIES["delta-hedge"].join(","),
  feePips: 500,
  depthQuote: 200_000_000,
  gasPriceGwei: 10,
  nav: 1_000_000,
  book: DEFAULT_BOOK,
  bookFlags: {},
  ewmaDecayPerDay: 0.94,
  referenceVol: 0.6,
  leverage: false,
  lending: DEFAULT_LENDING,
};

/** The gas of one rebalance from the committed gas snapshot: the vaults' own measured figures. */
export function snapshotGas(): {
  weight: (legs: number) => number;
  hedge: number;
  leverage: { lever: number; delever: number; ripcord: number };
} {
  const file = path.join(__dirname, "..", "..", "test", "gas-snapshot.json");
  const snap = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  const one = Number(snap["rebalance (2 assets, 1 leg)"]);
  const three = Number(snap["rebalance (4 assets, 3 legs)"]);
  const hedge = Number(snap["hedge rebalance (1 option legs)"]);
  if (!(one > 0 && three > 0 && hedge > 0))
    throw new Error(`${file} lacks the rebalance figures the backtest prices gas with`);
  const perLeg = (three - one) / 2;
  const leverage = {
    lever: Number(snap["leverage: lever (1x into the band)"]),
    delever: Number(snap["leverage: delever (withdraw-first)"]),
    ripcord: Number(snap["leverage: ripcord (repay-first, flash loan)"]),
  };
  if (!(leverage.lever > 0 && leverage.delever > 0 && leverage.ripcord > 0))
    throw new Error(`${file} lacks the leverage figures the backtest prices gas with`);
  return { weight: (legs) => Math.round(one + perLeg * Math.max(0, legs - 1)), hedge, leverage };
}

const iso = (t: number) => new Date(t * 1000).toISOString().replace(":00.000Z", "Z");

/** A --from/--to value as unix seconds. */
function parseWhen(flag: string, value: string): number {
  const v = value.trim();
  const ok = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?Z?)?$/.test(v);
  const ms = ok
    ? new Date(v.includes(":") ? `${v.replace(" ", "T").replace(/Z$/, "")}Z` : `${v}T00:00:00Z`).getTime()
    : NaN;
  if (Number.isNaN(ms))
    throw new UserError(`--${flag} '${value}' is not a date: give YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC).`);
  return ms / 1000;
}

/** The series cut to [from, to] and thinned to one row per step; every window and gap mistake is one line. */
export function prepareMarket(series: PriceSeries, o: BacktestOptions): Market {
  const first = series.times[0];
  const last = series.times[series.times.length - 1];
  const span = `${iso(first)} … ${iso(last)}`;
  const from = o.from === undefined ? first : parseWhen("from", o.from);
  const to = o.to === undefined ? last : parseWhen("to", o.to);
  if (from >= to) throw new UserError(`--from ${o.from ?? iso(from)} is not before --to ${o.to ?? iso(to)}.`);
  if (from < first || from > last)
    throw new UserError(`--from ${o.from} is outside the data: ${series.source} covers ${span}.`);
  if (to > last || to < first)
    throw new UserError(`--to ${o.to} is outside the data: ${series.source} covers ${span}.`);
  const rows: number[] = [];
  for (let i = 0; i < series.times.length; i++)
    if (series.times[i] >= from && series.times[i] <= to) rows.push(i);
  const window: PriceSeries = {
    ...series,
    times: rows.map((i) => series.times[i]),
    prices: series.prices.map((col) => rows.map((i) => col[i])),
  };
  checkGaps(window, o.maxGapSeconds);
  const keep: number[] = [];
  let next = -Infinity;
  for (let i = 0; i < window.times.length; i++) {
    if (window.times[i] < next) continue;
    keep.push(i);
    next = window.times[i] + o.stepSeconds;
  }
  if (keep.length < 2)
    throw new UserError(
      `the window ${iso(from)} … ${iso(to)} holds ${keep.length} row at --step: widen it or shorten --step.`,
    );
  const prices = window.prices.map((col) => keep.map((i) => col[i]));
  const ethColumn = series.columns.findIndex((c) => /^(w?eth)(_usd)?$/i.test(c));
  if (ethColumn < 0 && o.ethPrice === undefined)
    throw new UserError(
      `${series.source} has no ETH column (eth or eth_usd) to price gas with: pass --eth-price <quote per ETH>.`,
    );
  const fixed = o.ethPrice;
  return {
    times: keep.map((i) => window.times[i]),
    columns: series.columns,
    prices,
    ethPrice: fixed !== undefined ? () => fixed : (row) => prices[ethColumn][row],
  };
}

export interface BacktestReport {
  options: BacktestOptions;
  market: { source: string; from: number; to: number; rows: number; columns: string[] };
  results: PolicyResult[];
  /** The leverage vault's replay, when asked for. */
  leverage?: LeverageResult;
  setup: VaultSetup;
  frontier: Set<string>;
  seconds: number;
}

/** Everything a run needs, checked: every policy parsed (a typo fails before any work), the market cut. */
export interface PreparedRun {
  weight: WeightPolicy[];
  hedge: HedgePolicy[];
  series: PriceSeries;
  market: Market;
  config: (kind: "target-weight" | "delta-hedge") => RunConfig;
  vols: number[][];
  /** The hedged book in force (defaults, configuration, flags). */
  book: BookPlan;
  setup: VaultSetup;
}

export function prepareRun(o: BacktestOptions): PreparedRun {
  const weight: WeightPolicy[] = o.vaults.includes("target-weight")
    ? parsePolicies("target-weight", o.weightPolicies)
    : [];
  const hedge: HedgePolicy[] = o.vaults.includes("delta-hedge")
    ? parsePolicies("delta-hedge", o.hedgePolicies)
    : [];
  const setup = o.configFile === undefined ? NO_SETUP : loadSetup(o.configFile);
  const book: BookPlan = { ...o.book, ...setup.hedge.book, ...o.bookFlags };
  const series = loadSeries(o.pricesFile);
  const market = prepareMarket(series, o);
  const targets = setup.weight.targetBps;
  if (weight.length > 0 && targets && targets.length !== market.columns.length + 1)
    throw new UserError(
      `--vault-config ${o.configFile}: targetWeight.targetBps has ${targets.length} targets, the prices have ${market.columns.length} ` +
        `assets besides the quote: give ${market.columns.length + 1}, quote first.`,
    );
  const gas = snapshotGas();
  const cost = (units: (legs: number) => number): CostModel => ({
    feePips: o.feePips,
    depthQuote: o.depthQuote,
    gasPriceGwei: o.gasPriceGwei,
    gasUnits: units,
  });
  const config = (kind: "target-weight" | "delta-hedge"): RunConfig => ({
    market,
    checkEverySeconds: o.checkEverySeconds,
    nav: o.nav,
    ewmaDecayPerDay: o.ewmaDecayPerDay,
    referenceVol: o.referenceVol,
    cost: cost(kind === "target-weight" ? gas.weight : () => gas.hedge),
    setup,
  });
  const vols = market.prices.map((col) =>
    ewmaVolatility(market.times, col, o.ewmaDecayPerDay, o.referenceVol),
  );
  return { weight, hedge, series, market, config, vols, book, setup };
}

export interface Progress {
  start: (total: number) => void;
  tick: (n: number) => void;
  stop: () => void;
}

/** Runs every policy over the prepared market with the model, then compares them. */
export function runBacktest(
  o: BacktestOptions,
  progress?: Progress,
  prepared = prepareRun(o),
): BacktestReport {
  const { weight, hedge, series, market, config, vols, book, setup } = prepared;
  const started = Date.now();
  const rows = market.times.length;
  progress?.start(rows * (weight.length + hedge.length + (o.leverage ? 1 : 0)));
  let done = 0;
  const tick = () => {
    if (++done % 1000 === 0) progress?.tick(1000);
  };
  const results: PolicyResult[] = [];
  let leverage: LeverageResult | undefined;
  try {
    for (const p of weight) results.push(runWeightPolicy(p, config("target-weight"), vols, tick));
    for (const p of hedge) results.push(runHedgePolicy(p, config("delta-hedge"), book, vols[0], tick));
    if (o.leverage) {
      leverage = runLeverage(
        {
          market,
          feePips: o.feePips,
          depthQuote: o.depthQuote,
          gasPriceGwei: o.gasPriceGwei,
          gas: snapshotGas().leverage,
          checkEverySeconds: o.checkEverySeconds,
          nav: o.nav,
          lending: o.lending,
        },
        tick,
      );
    }
  } finally {
    progress?.stop();
  }
  const { frontier } = compare(results);
  return {
    options: { ...o, book },
    setup,
    market: {
      source: series.source,
      from: market.times[0],
      to: market.times[rows - 1],
      rows,
      columns: market.columns,
    },
    results,
    leverage,
    frontier,
    seconds: (Date.now() - started) / 1000,
  };
}
