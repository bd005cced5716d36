import { WAD } from "../math/units";
import { Reason } from "../vault/enums";
import { demoHedgePreset } from "../vault/deltaHedge";
import { DEFAULT_ENGINE_SETTINGS, demoVaultPreset } from "../vault/targetWeight";
import {
  type ModelAmounts,
  type ModelAsset,
  type ModelLeg,
  type ModelSettings,
  type ModelState,
  type ModelValuation,
  abs,
  account,
  unitOf,
  valuation,
} from "./engineModel";
import {
  type BookOption,
  type HedgeMemory,
  bookGreeks,
  hedgeStatus,
  normCdf,
  underlyingWad,
} from "./hedgeModel";
import { NO_SETUP, type VaultSetup } from "./config";
import type { HedgePolicy, VolBand, WeightPolicy } from "./policies";
import { buyAsset, liquidityFor, sellAsset } from "./pool";
import { type WeightConfig, deviationWad, targetWeightStatus } from "./targetWeightModel";

/**
 * The backtest's replay: for each policy, a vault whose every decision and trade size come from the
 * contracts' model (engineModel, targetWeightModel, hedgeModel), whose legs fill through a Uniswap
 * V3 pool of the configured depth (pool.ts), and whose keeper checks every `checkEverySeconds`.
 * Between checks arbitrageurs return each pool to the oracle price. A plan the contracts would
 * refuse — a leg short of its oracle-bounded minimum, a post-condition — changes nothing and is
 * counted as refused (a keeper simulates before it sends, so it costs no gas).
 */

/** The market a run replays: rows at the chosen step, each price column in quote per unit. */
export interface Market {
  times: number[];
  columns: string[];
  prices: number[][];
  /** ETH's price in quote per row, for gas (a column of the series, or a fixed price). */
  ethPrice: (row: number) => number;
}

export interface CostModel {
  /** Pool fee tier, hundredths of a bip (500 = 0.05 %). */
  feePips: number;
  /** Each pool's depth: its liquidity's virtual reserves, in quote, at any price. */
  depthQuote: number;
  gasPriceGwei: number;
  /** Gas of one rebalance with `legs` legs (the gas snapshot's figures). */
  gasUnits: (legs: number) => number;
  /**
   * Per non-quote asset, a pool of constant liquidity instead (a full-range position's L, in whole
   * tokens: L_raw / 10^((asset decimals + quote decimals) / 2)) and its own fee tier: what the
   * --through-contracts replay reads from the local market's pools so both sides trade the same pools.
   */
  pools?: { feePips: number; liquidity: number }[];
}

/** The fee tier and liquidity asset `i` (≥ 1) trades at, at `price`. */
function poolOf(cost: CostModel, i: number, price: number): { feePips: number; liquidity: number } {
  return cost.pools?.[i - 1] ?? { feePips: cost.feePips, liquidity: liquidityFor(cost.depthQuote, price) };
}

export interface RunConfig {
  market: Market;
  cost: CostModel;
  checkEverySeconds: number;
  /** Starting NAV, quote units. */
  nav: number;
  /** RiskMetrics-style EWMA decay per day for the volatility estimate (0.94). */
  ewmaDecayPerDay: number;
  /** Volatility the vol-scaled band is calibrated at: the band is its nominal width when σ equals this. */
  referenceVol: number;
  /** The vaults' settings beyond the demo presets (`--vault-config`). */
  setup: VaultSetup;
}

/** What one policy did, in quote units unless named otherwise. */
export interface PolicyResult {
  kind: "target-weight" | "delta-hedge";
  spec: string;
  label: string;
  base: boolean;
  rebalances: number;
  /** Plans the contracts would have refused (a leg short of its minimum, a post-condition): not sent. */
  refused: number;
  traded: number;
  fees: number;
  impact: number;
  gas: number;
  rewards: number;
  /** fees + impact + gas, bps of the mean NAV per year. */
  costBpsPerYear: number;
  /** Target-weight: the largest |weight − target| per row (fraction); hedge: |net delta − target| (underlying units). */
  trackingRms: number;
  trackingMax: number;
  /** Target-weight: NAV; hedge: vault NAV plus the book's premiums less payoffs less its mark. */
  finalValue: number;
  /** The vault's own NAV at the end (target-weight: the final value; hedge: without the book). */
  finalNav: number;
  /** The same against the base policy's (filled by `compare`). */
  vsBase: number;
  meanNav: number;
  /** Daily samples for charts and CSV. */
  daily: DailySample[];
}

export interface DailySample {
  time: number;
  value: number;
  /** Target-weight: each non-quote asset's weight; hedge: [net delta]. */
  tracked: number[];
  /** Target-weight: each asset's band half-width in force (fraction); hedge: [band half-width]. */
  band: number[];
  rebalances: number;
}

const YEAR = 365 * 86400;
const FEED_UNIT = 10n ** 10n; // an 8-decimal feed's answer to WAD

/** A price in WAD as an 8-decimal Chainlink feed would publish it. */
export const feedWad = (p: number): bigint => BigInt(Math.round(p * 1e8)) * FEED_UNIT;

/** EWMA of squared log returns per row, annualized: σ_t from rows before t (never the row itself). */
export function ewmaVolatility(
  times: number[],
  prices: number[],
  decayPerDay: number,
  initial: number,
): number[] {
  const out: number[] = [initial];
  let variance = initial * initial;
  for (let i = 1; i < prices.length; i++) {
    out.push(Math.sqrt(variance));
    const dt = times[i] - times[i - 1];
    const lambda = decayPerDay ** (dt / 86400);
    const r = Math.log(prices[i] / prices[i - 1]);
    variance = lambda * variance + (1 - lambda) * ((r * r) / dt) * YEAR;
  }
  return out;
}

function settingsOf(base: ModelSettings, patch: Partial<ModelSettings>): ModelSettings {
  return { ...base, ...patch };
}

/** EngineSettings as plain numbers. */
export function modelSettings(s: typeof DEFAULT_ENGINE_SETTINGS): ModelSettings {
  return {
    policy: Number(s.policy),
    mode: Number(s.mode),
    maxSlippageBps: Number(s.maxSlippageBps),
    maxPoolDeviationBps: Number(s.maxPoolDeviationBps),
    maxTradeBps: Number(s.maxTradeBps),
    bandHysteresisBps: Number(s.bandHysteresisBps),
    cooldownSeconds: Number(s.cooldownSeconds),
    intervalSeconds: Number(s.intervalSeconds),
    periodSeconds: Number(s.periodSeconds),
    maxRebalancesPerPeriod: Number(s.maxRebalancesPerPeriod),
    maxCostBpsPerPeriod: Number(s.maxCostBpsPerPeriod),
    rewardBps: Number(s.rewardBps),
  };
}

/** AmountSettings as the model's bigints. */
export const amountsOf = (a: {
  minTradeValue: unknown;
  maxRewardPerCall: unknown;
  rewardCapPerPeriod: unknown;
}): ModelAmounts => ({
  minTradeValue: BigInt(a.minTradeValue as bigint),
  maxRewardPerCall: BigInt(a.maxRewardPerCall as bigint),
  rewardCapPerPeriod: BigInt(a.rewardCapPerPeriod as bigint),
});

/** Decimals of a column's token: 8 for BTC (as WBTC), else 18. */
export const decimalsOf = (column: string): number => (/btc/i.test(column) ? 8 : 18);

/**
 * Fills `legs` through the pools at the row's oracle prices: sells first (their proceeds fund the
 * buys), each output floored to token units. Returns the new balances and what it cost, or null when
 * a leg falls short of its minimum output (the vault would revert).
 */
function fill(
  legs: ModelLeg[],
  v: ModelValuation,
  spot: number[],
  cost: CostModel,
): { balances: bigint[]; fees: number; impact: number; traded: number } | null {
  const balances = [...v.balances];
  const quoteUnit = unitOf(v.assets[0].decimals);
  let fees = 0;
  let impact = 0;
  let traded = 0;
  for (const leg of legs) {
    const unit = unitOf(v.assets[leg.asset].decimals);
    const price = spot[leg.asset];
    const pool = poolOf(cost, leg.asset, price);
    const inHuman = Number(leg.amountIn) / Number(leg.isSell ? unit : quoteUnit);
    const q = leg.isSell
      ? sellAsset(inHuman, price, pool.liquidity, pool.feePips)
      : buyAsset(inHuman, price, pool.liquidity, pool.feePips);
    const out = BigInt(Math.floor(q.amountOut * Number(leg.isSell ? quoteUnit : unit)));
    if (out < leg.minAmountOut) return null;
    const [tokenIn, tokenOut] = leg.isSell ? [leg.asset, 0] : [0, leg.asset];
    if (balances[tokenIn] < leg.amountIn) return null;
    balances[tokenIn] -= leg.amountIn;
    balances[tokenOut] += out;
    const valueIn = leg.isSell ? inHuman * price : inHuman;
    const valueOut = leg.isSell ? q.amountOut : q.amountOut * price;
    const feeValue = leg.isSell ? q.fee * price : q.fee;
    fees += feeValue;
    impact += valueIn - valueOut - feeValue;
    traded += valueIn;
  }
  return { balances, fees, impact, traded };
}

interface Ledger extends Pick<
  PolicyResult,
  "rebalances" | "refused" | "traded" | "fees" | "impact" | "gas" | "rewards"
> {
  sumSq: number;
  maxTracking: number;
  rows: number;
  navSum: number;
  daily: DailySample[];
  rebalancesToday: number;
}

const newLedger = (): Ledger => ({
  rebalances: 0,
  refused: 0,
  traded: 0,
  fees: 0,
  impact: 0,
  gas: 0,
  rewards: 0,
  sumSq: 0,
  maxTracking: 0,
  rows: 0,
  navSum: 0,
  daily: [],
  rebalancesToday: 0,
});

function result(
  kind: PolicyResult["kind"],
  p: { spec: string; label: string; base: boolean },
  l: Ledger,
  finalValue: number,
  years: number,
  finalNav = finalValue,
): PolicyResult {
  const meanNav = l.navSum / Math.max(1, l.rows);
  return {
    kind,
    spec: p.spec,
    label: p.label,
    base: p.base,
    rebalances: l.rebalances,
    refused: l.refused,
    traded: l.traded,
    fees: l.fees,
    impact: l.impact,
    gas: l.gas,
    rewards: l.rewards,
    costBpsPerYear: years > 0 ? ((l.fees + l.impact + l.gas) / meanNav / years) * 1e4 : 0,
    trackingRms: Math.sqrt(l.sumSq / Math.max(1, l.rows)),
    trackingMax: l.maxTracking,
    finalValue,
    finalNav,
    vsBase: 0,
    meanNav,
    daily: l.daily,
  };
}

/**
 * The target-weight vault the backtest replays: the demo preset's settings and amounts with the
 * configuration's over them; its targets, or 40 % quote and the rest split equally among the columns.
 */
export function weightScenario(
  columns: string[],
  setup: VaultSetup["weight"] = NO_SETUP.weight,
): {
  assets: ModelAsset[];
  targetBps: number[];
  settings: ModelSettings;
  amounts: ModelAmounts;
} {
  const preset = demoVaultPreset();
  const targetBps = setup.targetBps
    ? setup.targetBps
    : columns.length === 2
      ? preset.assets.map((a) => a.targetBps)
      : (() => {
          const each = Math.floor(6000 / columns.length);
          return [10_000 - each * columns.length, ...columns.map(() => each)];
        })();
  return {
    assets: [{ decimals: 6, poolFee: 0 }, ...columns.map((c) => ({ decimals: decimalsOf(c), poolFee: 0 }))],
    targetBps,
    settings: { ...modelSettings(preset.settings as typeof DEFAULT_ENGINE_SETTINGS), ...setup.settings },
    amounts: { ...amountsOf(preset.amounts), ...setup.amounts },
  };
}

/** The target-weight vault's holdings at the first row: NAV `nav` (quote) at its targets. */
export function startingBalances(market: Market, nav: number, setup: VaultSetup["weight"]): bigint[] {
  const sc = weightScenario(market.columns, setup);
  const spot = [1, ...market.prices.map((col) => col[0])];
  return sc.assets.map((a, i) =>
    BigInt(Math.floor(((nav * sc.targetBps[i]) / 1e4 / spot[i]) * 10 ** a.decimals)),
  );
}

/** One target-weight policy over the market. `onRow` reports progress. */
export function runWeightPolicy(
  policy: WeightPolicy,
  cfg: RunConfig,
  vols: number[][],
  onRow?: () => void,
): PolicyResult {
  const { market, cost } = cfg;
  const sc = weightScenario(market.columns, cfg.setup.weight);
  const assets = sc.assets.map((a, i) => (i === 0 ? a : { ...a, poolFee: poolOf(cost, i, 1).feePips }));
  const s = settingsOf(sc.settings, policy.settings);
  const config: WeightConfig = {
    targetBps: sc.targetBps,
    absBandBps: assets.map(() => policy.absBandBps),
    relBandBps: assets.map(() => policy.relBandBps),
  };
  const bandOf = (i: number, bandBps: number, relBps: number): number => {
    const abs = bandBps / 1e4;
    const rel = (relBps / 1e4) * (config.targetBps[i] / 1e4);
    return relBps === 0 ? abs : bandBps === 0 ? rel : Math.min(abs, rel);
  };
  // Start at target (as after the vault's first rebalance); the base holds this allocation forever.
  let balances = startingBalances(market, cfg.nav, cfg.setup.weight);
  let state: ModelState = { lastRebalanceAt: 0, rebalancesClearAt: 0, costClearAt: 0, rewardsClearAt: 0 };
  const l = newLedger();
  let nextCheck = market.times[0];
  let day = Math.floor(market.times[0] / 86400);
  for (let row = 0; row < market.times.length; row++) {
    const now = market.times[row];
    const spot = [1, ...market.prices.map((col) => col[row])];
    const prices = [WAD, ...market.prices.map((col) => feedWad(col[row]))];
    const v = valuation(assets, prices, balances);
    const weights = v.values.map((x) => Number(x) / Number(v.nav));
    const volScale = policy.volBand ? scaledBandBps(policy.volBand, cfg.referenceVol, vols, row) : 0;
    if (!policy.base && now >= nextCheck) {
      nextCheck = checkAfter(now, nextCheck, cfg.checkEverySeconds);
      const st = targetWeightStatus(v, config, s, sc.amounts, state, now);
      const gateOpen =
        !policy.volBand || weights.some((w, i) => Math.abs(w - config.targetBps[i] / 1e4) > volScale / 1e4);
      if (st.reason === Reason.Due && gateOpen) {
        const filled = fill(st.legs, v, spot, cost);
        const after = filled && valuation(assets, prices, filled.balances);
        const traded =
          st.legs.filter((x) => x.isSell).reduce((a, x) => a + x.valueWad, 0n) +
          st.legs.filter((x) => !x.isSell).reduce((a, x) => a + x.valueWad, 0n);
        if (
          filled &&
          after &&
          deviationWad(after, config) < st.deviationWad &&
          lossOk(v.nav, after.nav, traded, s)
        ) {
          const loss = v.nav > after.nav ? v.nav - after.nav : 0n;
          const paid = account(s, sc.amounts, state, now, loss, v.nav, traded, filled.balances[0], unitOf(6));
          state = paid.state;
          balances = record(
            l,
            filled,
            paid.reward,
            cost.gasUnits(st.legs.length) * cost.gasPriceGwei * 1e-9 * market.ethPrice(row),
          );
        } else l.refused++;
      }
    }
    // Tracking is what the vault carries into the next hour: the row's drift after the keeper acted.
    const w = valuation(assets, prices, balances);
    const drift = Math.max(
      ...w.values.map((x, i) => Math.abs(Number(x) / Number(w.nav) - config.targetBps[i] / 1e4)),
    );
    l.rows++;
    l.navSum += Number(w.nav) / 1e18;
    l.sumSq += drift * drift;
    l.maxTracking = Math.max(l.maxTracking, drift);
    const today = Math.floor(now / 86400);
    if (today !== day || row === market.times.length - 1) {
      day = today;
      l.daily.push({
        time: now,
        value: Number(w.nav) / 1e18,
        tracked: w.values.slice(1).map((x) => Number(x) / Number(w.nav)),
        band: config.targetBps
          .slice(1)
          .map((_, k) =>
            policy.volBand ? volScale / 1e4 : bandOf(k + 1, policy.absBandBps, policy.relBandBps),
          ),
        rebalances: l.rebalancesToday,
      });
      l.rebalancesToday = 0;
    }
    onRow?.();
  }
  const final = valuation(
    assets,
    [WAD, ...market.prices.map((col) => feedWad(col[col.length - 1]))],
    balances,
  );
  const years = (market.times[market.times.length - 1] - market.times[0]) / YEAR;
  return result("target-weight", policy, l, Number(final.nav) / 1e18, years);
}

/** Books an executed rebalance into the ledger; returns the balances after it, the reward paid out. */
function record(
  l: Ledger,
  filled: NonNullable<ReturnType<typeof fill>>,
  reward: bigint,
  gasQuote: number,
): bigint[] {
  filled.balances[0] -= reward;
  l.rebalances++;
  l.rebalancesToday++;
  l.traded += filled.traded;
  l.fees += filled.fees;
  l.impact += filled.impact;
  l.rewards += Number(reward) / 1e6;
  l.gas += gasQuote;
  return filled.balances;
}

/** RebalanceEngine's post-condition on NAV: the loss within maxSlippageBps of the value traded. */
function lossOk(before: bigint, after: bigint, traded: bigint, s: ModelSettings): boolean {
  const loss = before > after ? before - after : 0n;
  return loss <= (traded * BigInt(s.maxSlippageBps)) / 10_000n;
}

/** The keeper's next check after one at `now`: the next multiple of `every` from the last one past `now`. */
export const checkAfter = (now: number, nextCheck: number, every: number): number =>
  nextCheck + every * Math.max(1, Math.ceil((now - nextCheck + 1) / every));

/** A `vol:` policy's band at `row`: bps · referenceVol / σ (σ the assets' mean EWMA), clamped to [min, max]. */
export function scaledBandBps(vb: VolBand, referenceVol: number, vols: number[][], row: number): number {
  let sum = 0;
  for (const col of vols) sum += col[row];
  return Math.min(vb.maxBps, Math.max(vb.minBps, (vb.bps * referenceVol) / (sum / vols.length)));
}

/** The hedged book the backtest replays: short `size` ETH of at-the-money calls, `tenorDays` out, rolled at expiry. */
export interface BookPlan {
  size: number;
  tenorDays: number;
  /** σ the book is priced at and the vault's admin σ (the `ww-vol` policy reads an EWMA feed instead). */
  sigma: number;
  rate: number;
}

export const DEFAULT_BOOK: BookPlan = { size: 100, tenorDays: 30, sigma: 0.65, rate: 0.04 };

/** σ as the admin sets it: WAD, to 12 significant digits. */
export const sigmaWadOf = (sigma: number): bigint => BigInt(Math.round(sigma * 1e12)) * 10n ** 6n;

/** The hedged vault's start: cash of twice the book's notional at the first price (buys are never short of quote), no underlying. */
export const hedgeStartingBalances = (market: Market, book: BookPlan): bigint[] => [
  BigInt(Math.floor(2 * book.size * market.prices[0][0] * 1e6)),
  0n,
];

/** Black–Scholes call price, for the book's premiums and mark. */
export function callPrice(spot: number, strike: number, sigma: number, rate: number, tau: number): number {
  if (tau <= 0) return Math.max(0, spot - strike);
  const v = sigma * Math.sqrt(tau);
  const d1 = (Math.log(spot / strike) + (rate + (sigma * sigma) / 2) * tau) / v;
  return spot * normCdf(d1) - strike * Math.exp(-rate * tau) * normCdf(d1 - v);
}

/** One delta-hedge policy: the first price column is the underlying. */
export function runHedgePolicy(
  policy: HedgePolicy,
  cfg: RunConfig,
  book: BookPlan,
  vol: number[],
  onRow?: () => void,
): PolicyResult {
  const { market, cost } = cfg;
  const preset = demoHedgePreset();
  const setup = cfg.setup.hedge;
  const s = settingsOf(
    { ...modelSettings(preset.settings as typeof DEFAULT_ENGINE_SETTINGS), ...setup.settings },
    policy.settings,
  );
  const amounts = { ...amountsOf(preset.amounts), ...setup.amounts };
  const limits = { ...preset.limits, ...setup.limits };
  const assets: ModelAsset[] = [
    { decimals: 6, poolFee: 0 },
    { decimals: decimalsOf(market.columns[0]), poolFee: poolOf(cost, 1, 1).feePips },
  ];
  const under = market.prices[0];
  const config = {
    band: policy.band,
    targetDeltaWad: 0n,
    bookCooldownSeconds: limits.bookCooldownSeconds,
    sigmaWad: 0n,
    minSigmaWad: preset.volatility.minSigmaWad,
    maxSigmaWad: preset.volatility.maxSigmaWad,
  };
  const fixedSigmaWad = sigmaWadOf(book.sigma);
  const unwind = limits.expiryUnwindSeconds;
  let balances = hedgeStartingBalances(market, book);
  let state: ModelState = { lastRebalanceAt: 0, rebalancesClearAt: 0, costClearAt: 0, rewardsClearAt: 0 };
  let memory: HedgeMemory = { bookId: -1, bookRebalancedAt: 0 };
  const legs: BookOption[] = [];
  let bookId = -1;
  let bookCash = 0; // premiums received less payoffs, quote
  const l = newLedger();
  let nextCheck = market.times[0];
  let day = Math.floor(market.times[0] / 86400);
  const tenor = book.tenorDays * 86400;
  let lastHalfWidth = 0;
  for (let row = 0; row < market.times.length; row++) {
    const now = market.times[row];
    const spot = under[row];
    // The book: settle what expired, write a new at-the-money call when nothing is live.
    for (const leg of legs) {
      if (leg.expiry <= now && leg.size > 0) {
        bookCash -= Math.max(0, spot - leg.strike) * leg.size;
        leg.size = 0;
      }
    }
    if (!legs.some((x) => x.expiry > now)) {
      const strike = Math.round(spot);
      legs.length = 0;
      legs.push({ isCall: true, isLong: false, expiry: now + tenor, strike, size: book.size });
      bookCash += callPrice(spot, strike, book.sigma, book.rate, tenor / YEAR) * book.size;
      bookId++;
    }
    // σ as the vault reads it: the admin's WAD value, or the EWMA published by an 8-decimal feed.
    config.sigmaWad = policy.volFeed ? feedWad(vol[row]) : fixedSigmaWad;
    const g = bookGreeks(legs, spot, Number(config.sigmaWad) / 1e18, book.rate, now, unwind);
    const prices = [WAD, feedWad(spot)];
    const v = valuation(assets, prices, balances);
    if (!policy.base && now >= nextCheck) {
      nextCheck = checkAfter(now, nextCheck, cfg.checkEverySeconds);
      const st = hedgeStatus(v, config, g, bookId, memory, s, amounts, state, now);
      lastHalfWidth = Number(st.halfWidthWad) / 1e18;
      if (st.reason === Reason.Due) {
        const filled = fill(st.legs, v, [1, spot], cost);
        const after = filled && valuation(assets, prices, filled.balances);
        const traded = st.legs.reduce((a, x) => a + x.valueWad, 0n);
        const devAfter = after ? abs(underlyingWad(after) + g.deltaWad - config.targetDeltaWad) : 0n;
        if (filled && after && devAfter < st.deviationWad && lossOk(v.nav, after.nav, traded, s)) {
          const loss = v.nav > after.nav ? v.nav - after.nav : 0n;
          const paid = account(s, amounts, state, now, loss, v.nav, traded, filled.balances[0], unitOf(6));
          state = paid.state;
          if (bookId !== memory.bookId) memory = { bookId, bookRebalancedAt: now };
          balances = record(
            l,
            filled,
            paid.reward,
            cost.gasUnits(1) * cost.gasPriceGwei * 1e-9 * market.ethPrice(row),
          );
        } else l.refused++;
      }
    }
    // Tracking is the net delta carried into the next hour, after the keeper acted.
    const w = valuation(assets, prices, balances);
    const after = Number(underlyingWad(w) + g.deltaWad) / 1e18;
    l.rows++;
    l.navSum += Number(w.nav) / 1e18;
    l.sumSq += after * after;
    l.maxTracking = Math.max(l.maxTracking, Math.abs(after));
    const today = Math.floor(now / 86400);
    if (today !== day || row === market.times.length - 1) {
      day = today;
      l.daily.push({
        time: now,
        value: Number(w.nav) / 1e18 + bookCash - markOf(legs, spot, book, now),
        tracked: [after],
        band: [lastHalfWidth],
        rebalances: l.rebalancesToday,
      });
      l.rebalancesToday = 0;
    }
    onRow?.();
  }
  const last = market.times.length - 1;
  const end = valuation(assets, [WAD, feedWad(under[last])], balances);
  const finalValue = Number(end.nav) / 1e18 + bookCash - markOf(legs, under[last], book, market.times[last]);
  const years = (market.times[last] - market.times[0]) / YEAR;
  return result("delta-hedge", policy, l, finalValue, years, Number(end.nav) / 1e18);
}

/** What the live short calls would cost to buy back (Black–Scholes at the book's σ). */
function markOf(legs: BookOption[], spot: number, book: BookPlan, now: number): number {
  let m = 0;
  for (const leg of legs) {
    if (leg.expiry <= now || leg.size === 0) continue;
    m +=
      callPrice(spot, leg.strike, book.sigma, book.rate, (leg.expiry - now) / YEAR) *
      leg.size *
      (leg.isLong ? -1 : 1);
  }
  return m;
}

/**
 * Fills each result's `vsBase` (final value over the base's, less one) and says which are on the
 * cost / tracking-error Pareto frontier: no other policy of the same kind has both lower or equal
 * cost and tracking error with one of them strictly lower.
 */
export function compare(results: PolicyResult[]): { frontier: Set<string> } {
  const frontier = new Set<string>();
  for (const kind of ["target-weight", "delta-hedge"] as const) {
    const group = results.filter((r) => r.kind === kind);
    const base = group.find((r) => r.base);
    for (const r of group) r.vsBase = base ? r.finalValue / base.finalValue - 1 : 0;
    for (const r of group) {
      const dominated = group.some(
        (o) =>
          o !== r &&
          o.costBpsPerYear <= r.costBpsPerYear &&
          o.trackingRms <= r.trackingRms &&
          (o.costBpsPerYear < r.costBpsPerYear || o.trackingRms < r.trackingRms),
      );
      if (!dominated) frontier.add(`${kind}/${r.spec}`);
    }
  }
  return { frontier };
}
