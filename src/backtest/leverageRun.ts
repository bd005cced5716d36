import { BPS, WAD } from "../math/units";
import { Reason } from "../vault/enums";
import { demoLeveragePreset } from "../vault/leverage";
import {
  type ModelAmounts,
  type ModelAsset,
  type ModelLeg,
  type ModelSettings,
  type ModelState,
  account,
  legOf,
  min,
  mulDiv,
  sub0,
  unitOf,
} from "./engineModel";
import {
  type LeverageModelConfig,
  type LeverageValuation,
  type ModelPosition,
  type ModelTerms,
  WITHDRAW_MARGIN_BPS,
  leverageDeviation,
  leverageStatus,
  leverageValuation,
  leverageWad,
  loanToValueOk,
  ripcordSale,
  withdrawable,
} from "./leverageModel";
import { buyAsset, liquidityFor, sellAsset } from "./pool";
import { type Market, amountsOf, checkAfter, feedWad, modelSettings } from "./simulate";

/**
 * The leverage vault replayed over a price history: every decision and size from the contracts'
 * model (leverageModel.ts over engineModel.ts), fills through a Uniswap V3 pool of the configured
 * depth, the market's interest accrued between rows, and Aave's liquidation applied whenever the
 * position's health falls below 1 at a row's price. The keeper checks every `checkEverySeconds`:
 * it pulls the ripcord while leverage is at or above its bound, otherwise rebalances while one is
 * due (each at most `MAX_CALLS_PER_CHECK` times a check). Between checks arbitrageurs return the
 * pool to the oracle price.
 */

const YEAR = 365 * 86400;
const MAX_CALLS_PER_CHECK = 8;

/** What the lending market charges and pays, and its risk parameters (Aave V3 Ethereum's WETH). */
export interface LendingCostModel {
  /** Variable borrow rate of the quote asset, a year (0.05 = 5 %), continuously compounded. */
  borrowApr: number;
  /** Supply rate of the underlying, a year. */
  supplyApr: number;
  ltvBps: number;
  liquidationThresholdBps: number;
  /** What a liquidator receives over the debt it repays (10,500 = 5 % bonus). */
  liquidationBonusBps: number;
  /** The flash loan's fee, bps of the loan (Aave V3 Ethereum: 5; the local market: 9). */
  flashFeeBps: number;
}

export const DEFAULT_LENDING: LendingCostModel = {
  borrowApr: 0.05,
  supplyApr: 0.02,
  ltvBps: 8050,
  liquidationThresholdBps: 8300,
  liquidationBonusBps: 10_500,
  flashFeeBps: 5,
};

export interface LeverageRunConfig {
  market: Market;
  /** Pool fee tier (hundredths of a bip) and depth (quote) of the underlying's pool. */
  feePips: number;
  depthQuote: number;
  gasPriceGwei: number;
  /** gasUsed of a lever, a delever and a ripcord (the gas snapshot's). */
  gas: { lever: number; delever: number; ripcord: number };
  checkEverySeconds: number;
  /** Starting equity, quote units (deposited in the underlying at the first row's price). */
  nav: number;
  lending: LendingCostModel;
  config?: LeverageModelConfig;
  settings?: Partial<ModelSettings>;
}

export interface LeverageDaily {
  time: number;
  price: number;
  leverage: number;
  nav: number;
  health: number;
}

/** What the leverage vault did, quote units unless named otherwise. */
export interface LeverageResult {
  rows: number;
  years: number;
  levers: number;
  delevers: number;
  ripcords: number;
  /** Plans a keeper would not send (a leg short of its minimum, a post-condition). */
  refused: number;
  liquidations: number;
  minHealth: number;
  minLeverage: number;
  maxLeverage: number;
  /** Share of rows (after the keeper acted) with leverage inside [min, max]. */
  inBand: number;
  traded: number;
  fees: number;
  impact: number;
  gas: number;
  rewards: number;
  flashFees: number;
  interestPaid: number;
  interestEarned: number;
  /** fees + impact + gas + rewards + flash fees, bps of mean NAV a year. */
  costBpsPerYear: number;
  /** Borrow interest less supply interest, bps of mean NAV a year. */
  carryBpsPerYear: number;
  /** RMS and largest |leverage − target| after the keeper acted, per row (×). */
  trackingRms: number;
  trackingMax: number;
  meanNav: number;
  startNav: number;
  finalNav: number;
  /** The start's equity held as the underlying alone (1×), at the end. */
  holdNav: number;
  targetWad: bigint;
  minWad: bigint;
  maxWad: bigint;
  ripcordWad: bigint;
  daily: LeverageDaily[];
}

const num = (wad: bigint): number => Number(wad) / 1e18;

/** Replays the leverage vault over `cfg.market`'s first price column (the underlying). */
export function runLeverage(cfg: LeverageRunConfig, onRow?: () => void): LeverageResult {
  const preset = demoLeveragePreset();
  const c: LeverageModelConfig = cfg.config ?? {
    ...preset.config,
    targetWad: BigInt(preset.config.targetWad),
    minWad: BigInt(preset.config.minWad),
    maxWad: BigInt(preset.config.maxWad),
    ripcordWad: BigInt(preset.config.ripcordWad),
  };
  const s: ModelSettings = {
    ...modelSettings(preset.settings as Parameters<typeof modelSettings>[0]),
    ...cfg.settings,
  };
  const amounts: ModelAmounts = amountsOf(preset.amounts);
  const { market, lending } = cfg;
  const assets: ModelAsset[] = [
    { decimals: 6, poolFee: 0 },
    { decimals: 18, poolFee: cfg.feePips },
  ];
  const quoteUnit = unitOf(6);
  const unit = unitOf(18);
  // A deep market: the vault's own size never meets a cap or the cash.
  const terms: ModelTerms = {
    ltvBps: lending.ltvBps,
    liquidationThresholdBps: lending.liquidationThresholdBps,
    canSupply: true,
    canBorrow: true,
    canUnwind: true,
    supplyRoom: null,
    borrowRoom: 1n << 100n,
  };
  const prices = (row: number) => [WAD, feedWad(market.prices[0][row])];
  const p0 = market.prices[0][0];
  const pos: ModelPosition = {
    quoteHeld: 0n,
    underlyingHeld: 0n,
    supplied: BigInt(Math.floor((cfg.nav / p0) * 1e18)),
    owed: 0n,
  };
  let state: ModelState = { lastRebalanceAt: 0, rebalancesClearAt: 0, costClearAt: 0, rewardsClearAt: 0 };
  const r: LeverageResult = {
    rows: 0,
    years: 0,
    levers: 0,
    delevers: 0,
    ripcords: 0,
    refused: 0,
    liquidations: 0,
    minHealth: Infinity,
    minLeverage: Infinity,
    maxLeverage: 0,
    inBand: 0,
    traded: 0,
    fees: 0,
    impact: 0,
    gas: 0,
    rewards: 0,
    flashFees: 0,
    interestPaid: 0,
    interestEarned: 0,
    costBpsPerYear: 0,
    carryBpsPerYear: 0,
    trackingRms: 0,
    trackingMax: 0,
    meanNav: 0,
    startNav: cfg.nav,
    finalNav: 0,
    holdNav: 0,
    targetWad: c.targetWad,
    minWad: c.minWad,
    maxWad: c.maxWad,
    ripcordWad: c.ripcordWad,
    daily: [],
  };
  let sumSq = 0;
  let navSum = 0;
  let inBand = 0;
  let nextCheck = market.times[0];
  let day = Math.floor(market.times[0] / 86400);
  const gasQuote = (units: number, row: number) => units * cfg.gasPriceGwei * 1e-9 * market.ethPrice(row);

  /** Fills a leg through the pool at `spot`; the output in token units, or null below its minimum. */
  const fill = (leg: ModelLeg, spot: number): bigint | null => {
    const liquidity = liquidityFor(cfg.depthQuote, spot);
    const inHuman = Number(leg.amountIn) / Number(leg.isSell ? unit : quoteUnit);
    const q = leg.isSell
      ? sellAsset(inHuman, spot, liquidity, cfg.feePips)
      : buyAsset(inHuman, spot, liquidity, cfg.feePips);
    const out = BigInt(Math.floor(q.amountOut * Number(leg.isSell ? quoteUnit : unit)));
    if (out < leg.minAmountOut) return null;
    const valueIn = leg.isSell ? inHuman * spot : inHuman;
    const valueOut = leg.isSell ? q.amountOut : q.amountOut * spot;
    const feeValue = leg.isSell ? q.fee * spot : q.fee;
    pending = { traded: valueIn, fees: feeValue, impact: valueIn - valueOut - feeValue };
    return out;
  };
  let pending = { traded: 0, fees: 0, impact: 0 };
  const book = () => {
    r.traded += pending.traded;
    r.fees += pending.fees;
    r.impact += pending.impact;
  };
  const repay = (amount: bigint) => {
    const paid = min(amount, pos.owed);
    pos.owed -= paid;
    pos.quoteHeld -= paid;
  };
  const reserveOf = (valueWad: bigint, bps: bigint, cap: bigint) =>
    min(mulDiv((valueWad * bps) / BPS, quoteUnit, WAD), cap);

  for (let row = 0; row < market.times.length; row++) {
    const now = market.times[row];
    const spot = market.prices[0][row];
    const px = prices(row);
    // Interest since the last row, continuously compounded, as the market's indexes grow.
    if (row > 0) {
      const dt = (now - market.times[row - 1]) / YEAR;
      const grow = (x: bigint, apr: number) =>
        (x * BigInt(Math.round(Math.exp(apr * dt) * 1e15))) / 10n ** 15n;
      const owed = grow(pos.owed, lending.borrowApr);
      const supplied = grow(pos.supplied, lending.supplyApr);
      r.interestPaid += Number(owed - pos.owed) / 1e6;
      r.interestEarned += (Number(supplied - pos.supplied) / 1e18) * spot;
      pos.owed = owed;
      pos.supplied = supplied;
    }
    // Aave's liquidation at this row's price: health = collateral · threshold / debt below 1.
    const health = () => {
      const debt = Number(pos.owed) / 1e6;
      return debt === 0
        ? Infinity
        : ((Number(pos.supplied) / 1e18) * spot * lending.liquidationThresholdBps) / 1e4 / debt;
    };
    if (health() < 1) {
      r.liquidations++;
      // Half the debt (all of it below 0.95) repaid by a liquidator, who takes its value plus the bonus.
      const share = health() < 0.95 ? 1 : 0.5;
      const repaid = BigInt(Math.floor(Number(pos.owed) * share));
      const seized = BigInt(
        Math.floor(((Number(repaid) / 1e6 / spot) * lending.liquidationBonusBps * 1e18) / 1e4),
      );
      pos.owed -= repaid;
      pos.supplied -= min(seized, pos.supplied);
    }
    if (now >= nextCheck) {
      nextCheck = checkAfter(now, nextCheck, cfg.checkEverySeconds);
      for (let call = 0; call < MAX_CALLS_PER_CHECK; call++) {
        const v = leverageValuation(assets, px, pos);
        if (v.nav > 0n && leverageWad(v) >= c.ripcordWad) {
          if (!ripcord(v, row, spot)) break;
          continue;
        }
        const st = leverageStatus(v, c, s, amounts, state, now, terms, terms);
        if (st.reason !== Reason.Due) break;
        if (!rebalance(v, st.legs[0], st.deviationWad, row, spot)) break;
      }
    }
    // What the vault carries into the next row, after the keeper acted.
    const w = leverageValuation(assets, px, pos);
    const lev = w.nav === 0n ? Infinity : num(leverageWad(w));
    const navQuote = num(w.nav);
    r.rows++;
    navSum += navQuote;
    const off = lev - num(c.targetWad);
    sumSq += off * off;
    r.trackingMax = Math.max(r.trackingMax, Math.abs(off));
    r.minLeverage = Math.min(r.minLeverage, lev);
    r.maxLeverage = Math.max(r.maxLeverage, lev);
    if (lev >= num(c.minWad) && lev <= num(c.maxWad)) inBand++;
    r.minHealth = Math.min(r.minHealth, health());
    const today = Math.floor(now / 86400);
    if (today !== day || row === market.times.length - 1) {
      day = today;
      r.daily.push({ time: now, price: spot, leverage: lev, nav: navQuote, health: health() });
    }
    onRow?.();
  }

  /** RebalanceEngine._rebalance with LeverageVault._tradeLegs; false when the keeper would not send it. */
  function rebalance(
    v: LeverageValuation,
    leg: ModelLeg,
    deviationWad: bigint,
    row: number,
    spot: number,
  ): boolean {
    const saved = { ...pos };
    const reserve = reserveOf(leg.valueWad, BigInt(s.rewardBps), amounts.maxRewardPerCall);
    let out: bigint | null;
    if (leg.isSell) {
      pos.supplied -= leg.amountIn;
      out = fill(leg, spot);
      if (out !== null) {
        pos.quoteHeld += out;
        if (pos.quoteHeld > reserve) repay(pos.quoteHeld - reserve);
      }
    } else {
      const need = leg.amountIn + reserve;
      if (need > pos.quoteHeld) {
        pos.owed += need - pos.quoteHeld;
        pos.quoteHeld = need;
      }
      out = fill(leg, spot);
      if (out !== null) {
        pos.quoteHeld -= leg.amountIn;
        pos.supplied += out;
      }
    }
    const after = out === null ? null : leverageValuation(v.assets, v.prices, pos);
    const loss = after ? sub0(v.nav, after.nav) : 0n;
    if (
      !after ||
      leverageDeviation(after, c) >= deviationWad ||
      loss > (leg.valueWad * BigInt(s.maxSlippageBps)) / BPS ||
      !loanToValueOk(v, after, c)
    ) {
      Object.assign(pos, saved);
      r.refused++;
      return false;
    }
    book();
    const paid = account(
      s,
      amounts,
      state,
      market.times[row],
      loss,
      v.nav,
      leg.valueWad,
      pos.quoteHeld,
      quoteUnit,
    );
    state = paid.state;
    pos.quoteHeld -= paid.reward;
    r.rewards += Number(paid.reward) / 1e6;
    if (leg.isSell) {
      r.delevers++;
      r.gas += gasQuote(cfg.gas.delever, row);
    } else {
      r.levers++;
      r.gas += gasQuote(cfg.gas.lever, row);
    }
    return true;
  }

  /** LeverageFlows.ripcord: withdraw-first when the market allows it, else repay-first with a flash loan. */
  function ripcord(v: LeverageValuation, row: number, spot: number): boolean {
    const saved = { ...pos };
    const { sellWad } = ripcordSale(v, c, s);
    const leg = legOf(
      1,
      true,
      mulDiv(sellWad, unit, v.prices[1]),
      unit,
      v.prices[1],
      s.maxSlippageBps,
      quoteUnit,
    );
    if (leg.amountIn === 0n) return false;
    const reserve = reserveOf(leg.valueWad, BigInt(c.ripcordRewardBps), c.maxRipcordReward);
    const free = withdrawable(
      v.values[1],
      v.debtWad,
      sub0(BigInt(lending.liquidationThresholdBps), WITHDRAW_MARGIN_BPS),
    );
    let fee = 0n;
    const out = fill(leg, spot);
    if (out === null) {
      r.refused++;
      return false;
    }
    if (leg.valueWad > free) {
      // Repay-first: the flash loan repays, the sale pays it back with its fee.
      const feeBound = (leg.minAmountOut * BigInt(lending.flashFeeBps)) / BPS + 1n;
      const loan = sub0(leg.minAmountOut, feeBound);
      fee = (loan * BigInt(lending.flashFeeBps) + BPS / 2n) / BPS;
      pos.quoteHeld += loan;
      repay(loan);
      pos.supplied -= leg.amountIn;
      pos.quoteHeld += out - loan - fee;
    } else {
      pos.supplied -= leg.amountIn;
      pos.quoteHeld += out;
    }
    if (pos.quoteHeld > reserve) repay(pos.quoteHeld - reserve);
    const after = leverageValuation(v.assets, v.prices, pos);
    const loss = sub0(v.nav, after.nav);
    const bound = (leg.valueWad * BigInt(s.maxSlippageBps)) / BPS + mulDiv(fee, WAD, quoteUnit);
    if (leverageWad(after) >= leverageWad(v) || loss > bound) {
      Object.assign(pos, saved);
      r.refused++;
      return false;
    }
    book();
    const reward = min(reserve, pos.quoteHeld);
    pos.quoteHeld -= reward;
    r.rewards += Number(reward) / 1e6;
    r.flashFees += Number(fee) / 1e6;
    r.ripcords++;
    r.gas += gasQuote(cfg.gas.ripcord, row);
    return true;
  }

  const last = market.times.length - 1;
  const end = leverageValuation(assets, prices(last), pos);
  r.years = (market.times[last] - market.times[0]) / YEAR;
  r.meanNav = navSum / Math.max(1, r.rows);
  r.finalNav = num(end.nav);
  r.holdNav = (cfg.nav / p0) * market.prices[0][last];
  r.inBand = inBand / Math.max(1, r.rows);
  r.trackingRms = Math.sqrt(sumSq / Math.max(1, r.rows));
  const perYear = (x: number) => (r.years > 0 ? (x / r.meanNav / r.years) * 1e4 : 0);
  r.costBpsPerYear = perYear(r.fees + r.impact + r.gas + r.rewards + r.flashFees);
  r.carryBpsPerYear = perYear(r.interestPaid - r.interestEarned);
  return r;
}
