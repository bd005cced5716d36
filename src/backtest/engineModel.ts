import { BPS, WAD } from "../math/units";
import { Mode, Policy, Reason } from "../vault/enums";

/**
 * The engine's trigger gate, planning and breaker accounting in TypeScript, integer for integer:
 * EngineBase._timeGate, _planLegs, _leg, _legOf, _costRefillAt and RebalanceEngine._account, with
 * every product, floor and ceiling where the contracts have it (Solady's mulDiv floors, mulDivUp and
 * divUp round up). The backtest decides and sizes with this; test/integration/backtestModel.spec.ts
 * proves it identical to the deployed vaults on thousands of random states.
 *
 * What it leaves out, because a backtest's market cannot produce it: oracle and sequencer health
 * (the replayed prices are the feeds), pause and activation, and the pool-deviation check (the
 * pools are arbitraged back to the oracle between checks).
 */

/** EngineSettings, one field per Solidity field, as plain numbers. */
export interface ModelSettings {
  policy: number;
  mode: number;
  maxSlippageBps: number;
  maxPoolDeviationBps: number;
  maxTradeBps: number;
  bandHysteresisBps: number;
  cooldownSeconds: number;
  intervalSeconds: number;
  periodSeconds: number;
  maxRebalancesPerPeriod: number;
  maxCostBpsPerPeriod: number;
  rewardBps: number;
}

/** AmountSettings, quote-asset units. */
export interface ModelAmounts {
  minTradeValue: bigint;
  maxRewardPerCall: bigint;
  rewardCapPerPeriod: bigint;
}

/** The rolling part of EngineState (timestamps, seconds). */
export interface ModelState {
  lastRebalanceAt: number;
  rebalancesClearAt: number;
  costClearAt: number;
  rewardsClearAt: number;
}

/** One asset as the engine sees it: token decimals and its pool's fee (hundredths of a bip). */
export interface ModelAsset {
  decimals: number;
  poolFee: number;
}

/** A valuation: prices (quote WAD per whole token, prices[0] = WAD), balances, values, NAV. */
export interface ModelValuation {
  assets: ModelAsset[];
  prices: bigint[];
  balances: bigint[];
  values: bigint[];
  nav: bigint;
}

/** A leg of the plan, as the contracts' Leg struct. */
export interface ModelLeg {
  asset: number;
  isSell: boolean;
  amountIn: bigint;
  minAmountOut: bigint;
  valueWad: bigint;
}

/** The predicate's answer (RebalanceStatus without the oracle-only fields). */
export interface ModelStatus {
  reason: number;
  detail: bigint;
  navWad: bigint;
  deviationWad: bigint;
  outOfBand: boolean;
  nextEligibleAt: bigint;
  legs: ModelLeg[];
}

export const FEE_UNIT = 1_000_000n;
/** ConstantsLib.MIN_LEG_OUTPUT. */
export const MIN_LEG_OUTPUT = 10_000n;

export const mulDiv = (x: bigint, y: bigint, d: bigint): bigint => (x * y) / d;
export const divUp = (a: bigint, b: bigint): bigint => (a === 0n ? 0n : (a - 1n) / b + 1n);
export const mulDivUp = (x: bigint, y: bigint, d: bigint): bigint => divUp(x * y, d);
export const abs = (x: bigint): bigint => (x < 0n ? -x : x);
export const dist = (a: bigint, b: bigint): bigint => (a > b ? a - b : b - a);
export const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
export const sub0 = (a: bigint, b: bigint): bigint => (a > b ? a - b : 0n);

/** 10^decimals, cached. */
const UNITS = Array.from({ length: 37 }, (_, d) => 10n ** BigInt(d));
export const unitOf = (decimals: number): bigint => UNITS[decimals];

/** Chainlink answer → price WAD (ChainlinkOracleLib.priceWad), then divided by the quote's (EngineBase._value). */
export function pricesFromFeeds(answers: bigint[], feedDecimals: number[]): bigint[] {
  const quoteNumeraire = answers[0] * unitOf(18 - feedDecimals[0]);
  return answers.map((a, i) =>
    i === 0 ? WAD : mulDiv(a * unitOf(18 - feedDecimals[i]), WAD, quoteNumeraire),
  );
}

/** Values rounded down (EngineBase._fillValues with Rounding.Down). */
export function valuation(assets: ModelAsset[], prices: bigint[], balances: bigint[]): ModelValuation {
  let nav = 0n;
  const values = balances.map((b, i) => {
    const v = mulDiv(b, prices[i], unitOf(assets[i].decimals));
    nav += v;
    return v;
  });
  return { assets, prices, balances, values, nav };
}

/** EngineBase._timeGate: the reason, its detail, nextEligibleAt and the breaker's cost budget (quote WAD). */
export function timeGate(
  s: ModelSettings,
  state: ModelState,
  now: number,
  navWad: bigint,
  outOfBand: boolean,
): { reason: number; detail: bigint; nextEligibleAt: bigint; budgetWad: bigint } {
  const t = BigInt(now);
  const period = BigInt(s.periodSeconds);
  const cooldownEnd = BigInt(state.lastRebalanceAt) + BigInt(s.cooldownSeconds);
  const intervalEnd = BigInt(state.lastRebalanceAt) + BigInt(s.intervalSeconds);
  const perTrade = BigInt(s.maxSlippageBps + s.rewardBps);
  const costFrom = max(BigInt(state.costClearAt), t);
  const budgetWad =
    perTrade === 0n
      ? (1n << 256n) - 1n
      : (sub0(t + period, costFrom + 1n) * BigInt(s.maxCostBpsPerPeriod) * navWad) / (period * perTrade);
  let breakerEnd = max(BigInt(state.rebalancesClearAt), t) + divUp(period, BigInt(s.maxRebalancesPerPeriod));
  breakerEnd = breakerEnd > t + period ? breakerEnd - period : 0n;
  let nextEligibleAt = max(cooldownEnd, breakerEnd);
  if (s.policy === Policy.Time) nextEligibleAt = max(nextEligibleAt, intervalEnd);
  const out = (reason: number, detail: bigint) => ({ reason, detail, nextEligibleAt, budgetWad });
  if (t < cooldownEnd) return out(Reason.Cooldown, cooldownEnd);
  if (breakerEnd !== 0n) return out(Reason.CircuitBreaker, breakerEnd);
  const timeDue = s.policy !== Policy.Threshold && t >= intervalEnd;
  const bandDue = s.policy !== Policy.Time && outOfBand;
  if (timeDue || bandDue) return out(Reason.Due, 0n);
  if (s.policy === Policy.Time) return out(Reason.IntervalNotElapsed, intervalEnd);
  return out(Reason.WithinBand, 0n);
}

/** EngineBase._costRefillAt. */
export function costRefillAt(
  s: ModelSettings,
  state: ModelState,
  now: number,
  navWad: bigint,
  minTradeWad: bigint,
): bigint {
  const t = BigInt(now);
  const period = BigInt(s.periodSeconds);
  const perTrade = BigInt(s.maxSlippageBps + s.rewardBps);
  const need =
    max(BigInt(state.costClearAt), t) +
    1n +
    divUp(max(minTradeWad, 1n) * perTrade * period, navWad * BigInt(s.maxCostBpsPerPeriod));
  return need > t + period ? need - period : t;
}

/** EngineBase._legOf. */
export function legOf(
  asset: number,
  isSell: boolean,
  amountIn: bigint,
  unit: bigint,
  price: bigint,
  slippageBps: number,
  quoteUnit: bigint,
): ModelLeg {
  const keep = BPS - BigInt(slippageBps);
  if (isSell) {
    const valueWad = mulDiv(amountIn, price, unit);
    return {
      asset,
      isSell,
      amountIn,
      valueWad,
      minAmountOut: mulDivUp(valueWad * keep, quoteUnit, WAD * BPS),
    };
  }
  const valueWad = mulDiv(amountIn, WAD, quoteUnit);
  return { asset, isSell, amountIn, valueWad, minAmountOut: mulDivUp(valueWad * keep, unit, price * BPS) };
}

/** EngineBase._planLegs (with _leg): sells first, caps, buys clipped to the quote they can spend, dust dropped. */
export function planLegs(
  v: ModelValuation,
  deltas: bigint[],
  s: ModelSettings,
  budgetWad: bigint,
  minTradeWad: bigint,
  quoteBudgetWad: bigint = v.values[0],
): { legs: ModelLeg[]; budgetBound: boolean } {
  const n = deltas.length;
  const quoteUnit = unitOf(v.assets[0].decimals);
  let total = 0n;
  for (let i = 1; i < n; i++) {
    const fee = BigInt(v.assets[i].poolFee);
    total += deltas[i] > 0n ? mulDiv(deltas[i], FEE_UNIT, FEE_UNIT - fee) : -deltas[i];
  }
  let cap = (v.nav * BigInt(s.maxTradeBps)) / BPS;
  const budgetBound = budgetWad < cap && budgetWad < total;
  if (budgetBound) cap = budgetWad;
  const legs: ModelLeg[] = [];
  // _quoteBudgetWad: the quote held, or (a vault that borrows for its buys) no clip.
  let quoteWad = quoteBudgetWad;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 1; i < n; i++) {
      if (deltas[i] < 0n !== (pass === 0)) continue;
      const fee = BigInt(v.assets[i].poolFee);
      let valueWad = abs(deltas[i]);
      if (total > cap) valueWad = (valueWad * cap) / total;
      if (pass === 1) valueWad = min(valueWad, mulDiv(quoteWad, FEE_UNIT - fee, FEE_UNIT));
      if (valueWad === 0n || valueWad < minTradeWad) continue;
      const unit = unitOf(v.assets[i].decimals);
      const price = v.prices[i];
      const amountIn =
        pass === 0
          ? mulDiv(valueWad, unit, price)
          : mulDiv(valueWad, quoteUnit * FEE_UNIT, WAD * (FEE_UNIT - fee));
      const leg = legOf(i, pass === 0, amountIn, unit, price, s.maxSlippageBps, quoteUnit);
      if (leg.minAmountOut < MIN_LEG_OUTPUT) continue;
      if (pass === 0) quoteWad += mulDiv(leg.minAmountOut, WAD, quoteUnit);
      else quoteWad -= leg.valueWad;
      legs.push(leg);
    }
  }
  return { legs, budgetBound };
}

/**
 * EngineBase._assess from the strategy's answer on: the gate, then the plan, then BelowMinTrade or
 * the breaker's refill when no leg is left. `strategyReason` (not Due) stops it before the gate, as
 * the contracts do.
 */
export function assess(
  v: ModelValuation,
  target: {
    deltas: bigint[];
    deviationWad: bigint;
    outOfBand: boolean;
    reason?: number;
    detail?: bigint;
    quoteBudgetWad?: bigint;
  },
  s: ModelSettings,
  amounts: ModelAmounts,
  state: ModelState,
  now: number,
): ModelStatus {
  const st: ModelStatus = {
    reason: Reason.Due,
    detail: 0n,
    navWad: v.nav,
    deviationWad: 0n,
    outOfBand: false,
    nextEligibleAt: 0n,
    legs: [],
  };
  if (v.nav === 0n) return { ...st, reason: Reason.EmptyVault };
  st.deviationWad = target.deviationWad;
  st.outOfBand = target.outOfBand;
  if (target.reason !== undefined && target.reason !== Reason.Due)
    return { ...st, reason: target.reason, detail: target.detail ?? 0n };
  const minTradeWad = (amounts.minTradeValue * WAD) / unitOf(v.assets[0].decimals);
  const gate = timeGate(s, state, now, v.nav, st.outOfBand);
  st.nextEligibleAt = gate.nextEligibleAt;
  if (gate.reason !== Reason.Due) return { ...st, reason: gate.reason, detail: gate.detail };
  const plan = planLegs(v, target.deltas, s, gate.budgetWad, minTradeWad, target.quoteBudgetWad);
  if (plan.legs.length === 0) {
    if (!plan.budgetBound) return { ...st, reason: Reason.BelowMinTrade };
    const refill = costRefillAt(s, state, now, v.nav, minTradeWad);
    st.nextEligibleAt = max(st.nextEligibleAt, refill);
    return { ...st, reason: Reason.CircuitBreaker, detail: refill };
  }
  st.legs = plan.legs;
  return st;
}

/**
 * RebalanceEngine._account: the keeper's reward (quote units) and the breaker's loads after a
 * rebalance that lost `lossWad` of NAV `navWad` while trading `tradedWad`.
 */
export function account(
  s: ModelSettings,
  amounts: ModelAmounts,
  state: ModelState,
  now: number,
  lossWad: bigint,
  navWad: bigint,
  tradedWad: bigint,
  quoteHeld: bigint,
  quoteUnit: bigint,
): { reward: bigint; state: ModelState } {
  const t = BigInt(now);
  const period = BigInt(s.periodSeconds);
  const rewardsFrom = max(BigInt(state.rewardsClearAt), t);
  let reward = mulDiv((tradedWad * BigInt(s.rewardBps)) / BPS, quoteUnit, WAD);
  reward = min(reward, amounts.maxRewardPerCall);
  reward = min(reward, (amounts.rewardCapPerPeriod * sub0(t + period, rewardsFrom)) / period);
  reward = min(reward, quoteHeld);
  const next = { ...state };
  if (reward !== 0n)
    next.rewardsClearAt = Number(rewardsFrom + divUp(reward * period, amounts.rewardCapPerPeriod));
  const costWad = lossWad + mulDiv(reward, WAD, quoteUnit);
  next.lastRebalanceAt = now;
  next.rebalancesClearAt = Number(
    max(BigInt(state.rebalancesClearAt), t) + divUp(period, BigInt(s.maxRebalancesPerPeriod)),
  );
  next.costClearAt = Number(
    max(BigInt(state.costClearAt), t) + divUp(costWad * BPS * period, navWad * BigInt(s.maxCostBpsPerPeriod)),
  );
  return { reward, state: next };
}

export { Mode, Policy, Reason };
