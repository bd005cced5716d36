import { BPS, WAD } from "../math/units";
import {
  FEE_UNIT,
  type ModelAmounts,
  type ModelAsset,
  type ModelSettings,
  type ModelState,
  type ModelStatus,
  type ModelValuation,
  Mode,
  Policy,
  Reason,
  assess,
  dist,
  divUp,
  min,
  mulDiv,
  mulDivUp,
  sub0,
  unitOf,
} from "./engineModel";

/**
 * The leverage vault's valuation, predicate and ripcord sizing in TypeScript, integer for integer:
 * LeverageLib, LeverageStrategy._addLending, _targetDeltas, _deviation and the LTV post-condition,
 * and LeverageFlows.ripcord's sale. The backtest decides and sizes with this; the differential test
 * (test/integration/leverageModel.spec.ts) compares it with the deployed vault's `rebalanceStatus()`
 * along a price path on the real Aave and Uniswap markets.
 */

/** LeverageConfig, one field per Solidity field. */
export interface LeverageModelConfig {
  targetWad: bigint;
  minWad: bigint;
  maxWad: bigint;
  ripcordWad: bigint;
  maxLtvBps: number;
  ripcordRewardBps: number;
  maxRipcordReward: bigint;
}

/** What the market allows now (LendingTerms, the fields the vault reads), raw token units. */
export interface ModelTerms {
  ltvBps: number;
  liquidationThresholdBps: number;
  canSupply: boolean;
  canBorrow: boolean;
  canUnwind: boolean;
  /** null: no supply cap. */
  supplyRoom: bigint | null;
  borrowRoom: bigint;
}

/** The vault's holdings: tokens in its wallet, the underlying supplied, the quote owed (token units). */
export interface ModelPosition {
  quoteHeld: bigint;
  underlyingHeld: bigint;
  supplied: bigint;
  owed: bigint;
}

/** A valuation with the lending leg: `debtWad` and NAV net of it. */
export interface LeverageValuation extends ModelValuation {
  debtWad: bigint;
}

export const MAX_LEVERAGE_WAD = 20n * WAD;
export const WITHDRAW_MARGIN_BPS = 100n;
const QUOTE_BUDGET = (1n << 128n) - 1n;

/* ---------------------------------------------------------------- LeverageLib */

export function leverUp(c: bigint, d: bigint, targetWad: bigint, costBps: bigint): bigint {
  const aim = targetWad * (c - d);
  const have = c * WAD;
  if (aim <= have) return 0n;
  return mulDiv(aim - have, BPS, (BPS - costBps) * WAD + targetWad * costBps);
}

export function leverDown(c: bigint, d: bigint, targetWad: bigint, costBps: bigint): bigint {
  const aim = targetWad * (c - d);
  const have = c * WAD;
  if (have <= aim) return 0n;
  const sell = mulDivUp(have - aim, BPS, BPS * WAD - targetWad * costBps);
  const clearing = mulDivUp(d, BPS, BPS - costBps);
  return sell > clearing ? clearing : sell;
}

export function withdrawable(c: bigint, d: bigint, maxLtvBps: bigint): bigint {
  if (maxLtvBps === 0n) return d === 0n ? c : 0n;
  const needed = mulDivUp(d, BPS, maxLtvBps);
  return c > needed ? c - needed : 0n;
}

export function loanToValueBps(c: bigint, d: bigint): bigint {
  if (d === 0n) return 0n;
  if (c === 0n) return (1n << 256n) - 1n;
  return mulDivUp(d, BPS, c);
}

/* ---------------------------------------------------------------- valuation */

/** EngineBase._fillValues then LeverageStrategy._addLending, both rounded down (debt up). */
export function leverageValuation(
  assets: ModelAsset[],
  prices: bigint[],
  p: ModelPosition,
): LeverageValuation {
  const quoteUnit = unitOf(assets[0].decimals);
  const unit = unitOf(assets[1].decimals);
  const v0 = mulDiv(p.quoteHeld, prices[0], quoteUnit);
  const v1 = mulDiv(p.underlyingHeld, prices[1], unit);
  const suppliedWad = mulDiv(p.supplied, prices[1], unit);
  const debtWad = mulDivUp(p.owed, WAD, quoteUnit);
  return {
    assets,
    prices,
    balances: [p.quoteHeld, p.underlyingHeld + p.supplied],
    values: [v0, v1 + suppliedWad],
    debtWad,
    nav: sub0(v0 + v1 + suppliedWad, debtWad),
  };
}

export const netDebtWad = (v: LeverageValuation): bigint => sub0(v.debtWad, v.values[0]);

/** C / E, rounded up; max without equity but with collateral, 0 when empty. */
export function leverageWad(v: LeverageValuation): bigint {
  if (v.nav === 0n) return v.values[1] === 0n ? 0n : (1n << 256n) - 1n;
  return mulDivUp(v.values[1], WAD, v.nav);
}

export const costBps = (v: LeverageValuation): bigint => divUp(BigInt(v.assets[1].poolFee), 100n);

/* ---------------------------------------------------------------- the predicate */

/** LeverageStrategy._targetDeltas (with `_aim`, `_ltvRoomWad`, `_withdrawableWad`). */
export function leverageDeltas(
  v: LeverageValuation,
  c: LeverageModelConfig,
  s: ModelSettings,
  quote: ModelTerms,
  underlying: ModelTerms,
): {
  deltas: bigint[];
  deviationWad: bigint;
  outOfBand: boolean;
  reason?: number;
  detail?: bigint;
  quoteBudgetWad: bigint;
} {
  const deltas = [0n, 0n];
  const lev = leverageWad(v);
  const deviationWad = dist(lev, c.targetWad);
  const outOfBand = lev < c.minWad || lev > c.maxWad;
  const out = { deltas, deviationWad, outOfBand, quoteBudgetWad: QUOTE_BUDGET };
  const unavailable = (asset: bigint) => ({ ...out, reason: Reason.LendingUnavailable, detail: asset });
  if (!outOfBand && s.policy === Policy.Threshold) return { ...out, outOfBand: false };
  if (s.mode === Mode.ToBandEdge && !outOfBand) return { ...out, outOfBand: false };
  let aim = c.targetWad;
  if (s.mode === Mode.ToBandEdge) {
    const edge = lev > c.targetWad ? c.maxWad : c.minWad;
    const inward = mulDiv(dist(edge, c.targetWad), BigInt(s.bandHysteresisBps), BPS);
    aim = lev > c.targetWad ? edge - inward : edge + inward;
  }
  const cost = costBps(v);
  const collateralWad = v.values[1];
  const netDebt = netDebtWad(v);
  const quoteUnit = unitOf(v.assets[0].decimals);
  const unit = unitOf(v.assets[1].decimals);
  if (lev < aim) {
    let borrowWad = leverUp(collateralWad, netDebt, aim, cost);
    const m = BigInt(c.maxLtvBps);
    const room = sub0(m * collateralWad, netDebt * BPS);
    borrowWad = min(borrowWad, mulDiv(room, BPS, BPS * BPS - m * (BPS - cost)));
    if (!quote.canBorrow) return unavailable(0n);
    if (!underlying.canSupply) return unavailable(1n);
    const lendable = min(
      mulDiv(quote.borrowRoom, WAD, quoteUnit),
      sub0(mulDiv(collateralWad, sub0(BigInt(underlying.ltvBps), WITHDRAW_MARGIN_BPS), BPS), v.debtWad),
    );
    borrowWad = min(borrowWad, mulDiv(lendable, BPS, BPS + BigInt(s.rewardBps)));
    if (underlying.supplyRoom !== null)
      borrowWad = min(borrowWad, mulDiv(underlying.supplyRoom, v.prices[1], unit));
    deltas[1] = mulDiv(borrowWad, FEE_UNIT - BigInt(v.assets[1].poolFee), FEE_UNIT);
  } else if (lev > aim) {
    if (!underlying.canUnwind) return unavailable(1n);
    if (!quote.canUnwind) return unavailable(0n);
    const free = withdrawable(
      collateralWad,
      v.debtWad,
      sub0(BigInt(underlying.liquidationThresholdBps), WITHDRAW_MARGIN_BPS),
    );
    deltas[1] = -min(leverDown(collateralWad, netDebt, aim, cost), free);
  }
  return out;
}

/** The engine's answer for a leverage vault: `_assess` over `leverageDeltas`. */
export function leverageStatus(
  v: LeverageValuation,
  c: LeverageModelConfig,
  s: ModelSettings,
  amounts: ModelAmounts,
  state: ModelState,
  now: number,
  quote: ModelTerms,
  underlying: ModelTerms,
): ModelStatus {
  return assess(v, leverageDeltas(v, c, s, quote, underlying), s, amounts, state, now);
}

/** LeverageStrategy._deviation. */
export const leverageDeviation = (v: LeverageValuation, c: LeverageModelConfig): bigint =>
  dist(leverageWad(v), c.targetWad);

/** LeverageStrategy._checkLoanToValue: true when the LTV bound holds. */
export function loanToValueOk(
  before: LeverageValuation,
  after: LeverageValuation,
  c: LeverageModelConfig,
): boolean {
  const ltvAfter = loanToValueBps(after.values[1], netDebtWad(after));
  const cap = BigInt(c.maxLtvBps);
  return !(ltvAfter > cap && ltvAfter > loanToValueBps(before.values[1], netDebtWad(before)));
}

/** LeverageFlows.ripcord's sale (quote WAD of collateral) and its reward reserve (quote units). */
export function ripcordSale(
  v: LeverageValuation,
  c: LeverageModelConfig,
  s: ModelSettings,
): { sellWad: bigint } {
  const sell = leverDown(v.values[1], netDebtWad(v), c.targetWad, costBps(v));
  return { sellWad: min(sell, (v.nav * BigInt(s.maxTradeBps)) / BPS) };
}
