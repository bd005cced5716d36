import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { IDeltaHedgeVault, ITargetWeightVault } from "../../typechain-types";
import { UserError } from "../config/env";
import { TAGS } from "../deployments";
import { arbitragePool, loadLocalMarket, setFeedPrice, type LocalMarket } from "../market/localMarket";
import { demoHedgePreset, deployLocalDeltaHedgeVault, deployLocalOptionBook } from "../vault/deltaHedge";
import { demoVaultPreset, deployLocalTargetWeightVault } from "../vault/targetWeight";
import type { HedgePolicy, WeightPolicy } from "./policies";
import {
  type BookPlan,
  type CostModel,
  type PolicyResult,
  type RunConfig,
  checkAfter,
  ewmaVolatility,
  feedWad,
  hedgeStartingBalances,
  runHedgePolicy,
  runWeightPolicy,
  scaledBandBps,
  sigmaWadOf,
  startingBalances,
  weightScenario,
} from "./simulate";

/**
 * `backtest --through-contracts`: the target-weight policies replayed on the real contracts — the
 * vault's core and extension, the venue module, Chainlink's MockV3Aggregator feeds and Uniswap V3's
 * own pool bytecode — on the in-process network, beside the model run on the very same pools (their
 * fee tiers and liquidity read from the chain), so the two can be compared figure by figure.
 *
 * Each row: the feeds publish the row's prices, an arbitrageur swaps each pool back to them, and at
 * the row's time exactly (the keeper's check) `rebalance()` is sent; the vault itself decides
 * (RebalanceNotDue when it is not due). After each row the vault's weights are read for tracking.
 */

/** What the chain did with one policy, in the model's units. */
export interface ChainResult {
  spec: string;
  rebalances: number;
  /** Sent when due by the keeper's gate but reverted for another reason (a leg short of its minimum…). */
  refused: number;
  /** NAV lost to the trades (fees and impact), quote. */
  cost: number;
  rewards: number;
  gasUnits: number;
  trackingRms: number;
  trackingMax: number;
  finalValue: number;
}

export interface Agreement {
  kind: PolicyResult["kind"];
  spec: string;
  model: PolicyResult;
  chain: ChainResult;
  /** |model − chain| / chain for the final value; |Δ| for the others. */
  finalValueRel: number;
  rebalancesDiff: number;
  /** Model (fees + impact) against the chain's NAV lost, relative to the chain's. */
  costRel: number;
  trackingRmsDiff: number;
}

/** What every policy's chain replay shares: the market's symbols and volatility, the actors, the clock. */
interface ReplayContext {
  symbols: string[];
  vols: number[][];
  keeper: Signer;
  guardian: Signer;
  /** Seconds added to every row's time on the chain (its clock starts at today's date). */
  shift: number;
  /** Publishes row `row`'s prices at chain time `at` (before the shift) and arbitrages the pools. */
  moveTo: (row: number, at: number) => Promise<void>;
  onRow?: () => void;
}

/** The longest window the chain replay takes: about two months of hourly rows. */
export const MAX_CHAIN_ROWS = 62 * 24 + 1;

const SYMBOL_OF: Record<string, string> = { eth_usd: "WETH", eth: "WETH", btc_usd: "WBTC", btc: "WBTC" };

/** Each pool's fee and liquidity in whole tokens, as the model's CostModel.pools wants them. */
async function poolsOf(market: LocalMarket, symbols: string[]): Promise<CostModel["pools"]> {
  const quoteDecimals = 6;
  const out = [];
  for (const sym of symbols) {
    const { contract, spec } = market.pools[sym];
    const L = (await contract.getFunction("liquidity")()) as bigint;
    const decimals = Number(await market.tokens[sym].decimals());
    out.push({ feePips: spec.fee, liquidity: Number(L) / 10 ** ((decimals + quoteDecimals) / 2) });
  }
  return out;
}

/** What to replay: the policies of each vault type and their run settings. */
export interface ChainReplay {
  weight: WeightPolicy[];
  hedge: HedgePolicy[];
  weightConfig: RunConfig;
  hedgeConfig: RunConfig;
  book: BookPlan;
}

export async function replayThroughContracts(
  hre: HardhatRuntimeEnvironment,
  run: ChainReplay,
  onRow?: () => void,
): Promise<Agreement[]> {
  const cfg = run.weightConfig;
  const { market } = cfg;
  const symbols = market.columns.map((c) => SYMBOL_OF[c.toLowerCase()]);
  if (market.columns.length !== 2 || symbols[0] !== "WETH" || symbols[1] !== "WBTC")
    throw new UserError(
      `--through-contracts replays on the local market's WETH and WBTC pools: the prices need eth_usd and btc_usd columns, in that order, not ${market.columns.join(", ")}.`,
    );
  if (market.times.length > MAX_CHAIN_ROWS)
    throw new UserError(
      `--through-contracts replays at most ${MAX_CHAIN_ROWS} rows (about two months hourly), the window has ${market.times.length}: narrow --from/--to or widen --step.`,
    );
  if (hre.network.name !== "hardhat")
    throw new UserError(
      `--through-contracts runs on the in-process network only; drop --network ${hre.network.name}.`,
    );

  await hre.deployments.fixture([TAGS.LocalMarket]);
  const lm = await loadLocalMarket(hre);
  const [, guardian, keeper, arbitrageur] = await hre.ethers.getSigners();
  const provider = hre.network.provider;
  const prices = (row: number) => Object.fromEntries(symbols.map((s, k) => [s, market.prices[k][row]]));
  // The chain's clock runs ahead of the window (it starts at today's date): every time is shifted by
  // one whole number of hours, which changes nothing the vault compares (its clocks start at zero).
  const latest = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
  const shift = Math.max(0, Math.ceil((latest + 7200 - market.times[0]) / 3600) * 3600);
  const moveTo = async (row: number, at: number) => {
    await provider.send("evm_setNextBlockTimestamp", [at + shift]);
    // USDC at 1 (the model's quote) republished too: a feed older than its staleness limit stops the vault.
    for (const [sym, p] of Object.entries({ USDC: 1, ...prices(row) }))
      await setFeedPrice(lm, sym, p.toFixed(8));
    for (const sym of symbols) await arbitragePool(lm, sym, arbitrageur);
  };
  await moveTo(0, market.times[0] - 3000);
  const pools = await poolsOf(lm, symbols);
  const snapshot: string = await provider.send("evm_snapshot", []);
  const vols = market.prices.map((col) =>
    ewmaVolatility(market.times, col, cfg.ewmaDecayPerDay, cfg.referenceVol),
  );
  const out: Agreement[] = [];
  let revertTo = snapshot;
  const ctx = { symbols, vols, keeper, guardian, shift, moveTo, onRow };
  const agreement = (kind: PolicyResult["kind"], model: PolicyResult, chain: ChainResult): Agreement => {
    const modelCost = model.fees + model.impact;
    return {
      kind,
      spec: model.spec,
      model,
      chain,
      finalValueRel: Math.abs(model.finalValue - chain.finalValue) / Math.abs(chain.finalValue),
      rebalancesDiff: model.rebalances - chain.rebalances,
      costRel: chain.cost > 0 ? Math.abs(modelCost - chain.cost) / chain.cost : Math.abs(modelCost),
      trackingRmsDiff: Math.abs(model.trackingRms - chain.trackingRms),
    };
  };
  for (const [n, policy] of run.weight.entries()) {
    await provider.send("evm_revert", [revertTo]);
    revertTo = await provider.send("evm_snapshot", []);
    const chain = await replayPolicy(hre, lm, policy, n, cfg, ctx);
    const model = runWeightPolicy(policy, { ...cfg, cost: { ...cfg.cost, pools } }, vols);
    out.push(agreement("target-weight", model, chain));
  }
  for (const [n, policy] of run.hedge.entries()) {
    await provider.send("evm_revert", [revertTo]);
    revertTo = await provider.send("evm_snapshot", []);
    const hedgeCfg = { ...run.hedgeConfig, cost: { ...run.hedgeConfig.cost, pools: pools!.slice(0, 1) } };
    const model = runHedgePolicy(policy, hedgeCfg, run.book, vols[0]);
    const chain = await replayHedgePolicy(hre, lm, policy, n, hedgeCfg, run.book, model, ctx);
    out.push(agreement("delta-hedge", model, chain));
  }
  return out;
}

async function replayPolicy(
  hre: HardhatRuntimeEnvironment,
  lm: LocalMarket,
  policy: WeightPolicy,
  n: number,
  cfg: RunConfig,
  ctx: ReplayContext,
): Promise<ChainResult> {
  const { market } = cfg;
  const base = demoVaultPreset();
  const sc = weightScenario(market.columns, cfg.setup.weight);
  const preset = {
    ...base,
    settings: { ...base.settings, ...cfg.setup.weight.settings, ...policy.settings },
    amounts: { ...base.amounts, ...cfg.setup.weight.amounts },
    assets: ["USDC", ...ctx.symbols].map((symbol, i) => ({
      symbol,
      targetBps: sc.targetBps[i],
      absBandBps: policy.absBandBps,
      relBandBps: policy.relBandBps,
      maxStalenessSeconds: 86400,
    })),
    venues: undefined,
  };
  const vault = (await deployLocalTargetWeightVault(hre, `Backtest${n}`, preset)) as ITargetWeightVault;
  const address = await vault.getAddress();
  // The model's start, donated: the vault holds exactly what the model starts with.
  const start = startingBalances(market, cfg.nav, cfg.setup.weight);
  for (const [i, sym] of ["USDC", ...ctx.symbols].entries())
    await (await lm.tokens[sym].mint(address, start[i])).wait();
  const keeper = ctx.keeper;
  const r = emptyResult(policy.spec);
  let sumSq = 0;
  let nextCheck = market.times[0];
  const targets = sc.targetBps.map((t) => t / 1e4);
  for (let row = 0; row < market.times.length; row++) {
    const now = market.times[row];
    if (row > 0) await ctx.moveTo(row, now - 60);
    if (!policy.base && now >= nextCheck) {
      nextCheck = checkAfter(now, nextCheck, cfg.checkEverySeconds);
      let gateOpen = true;
      if (policy.volBand) {
        const band = scaledBandBps(policy.volBand, cfg.referenceVol, ctx.vols, row) / 1e4;
        const [w] = await vault.weightsWad();
        gateOpen = w.some((x, i) => Math.abs(Number(x) / 1e18 - targets[i]) > band);
      }
      if (gateOpen) await sendRebalance(hre, vault, keeper, now + ctx.shift, r);
    }
    const [w, nav] = await vault.weightsWad();
    const drift = Math.max(...w.map((x, i) => Math.abs(Number(x) / 1e18 - targets[i])));
    sumSq += drift * drift;
    r.trackingMax = Math.max(r.trackingMax, drift);
    r.finalValue = Number(nav) / 1e18;
    ctx.onRow?.();
  }
  r.trackingRms = Math.sqrt(sumSq / market.times.length);
  return r;
}

/**
 * How close the model must come to the chain for a policy to agree, and why these bounds: the model
 * decides and sizes integer for integer with the contracts (the differential test), so what is left
 * is the pool's fill — the model's swap maths in double precision against Uniswap V3's integer
 * Q64.96 maths, a few parts in 10^5 of a leg's cost — and what that does to NAV (parts in 10^9).
 */
export const TOLERANCE = { rebalances: 0, finalValueRel: 1e-6, costRel: 1e-3, trackingRms: 1e-6 } as const;

export const agrees = (a: Agreement): boolean =>
  Math.abs(a.rebalancesDiff) <= TOLERANCE.rebalances &&
  a.finalValueRel <= TOLERANCE.finalValueRel &&
  a.costRel <= TOLERANCE.costRel &&
  a.trackingRmsDiff <= TOLERANCE.trackingRms;

/**
 * One delta-hedge policy on the chain: an OptionBook the replay rolls as the model does (a short
 * at-the-money call written when none is live, the expired one removed), the vault hedging it, and —
 * for a σ-from-EWMA policy — a MockV3Aggregator publishing the EWMA each row. The book's premiums,
 * payoffs and mark are the model's (they do not depend on the hedge), added to the chain's NAV.
 */
async function replayHedgePolicy(
  hre: HardhatRuntimeEnvironment,
  lm: LocalMarket,
  policy: HedgePolicy,
  n: number,
  cfg: RunConfig,
  book: BookPlan,
  model: PolicyResult,
  ctx: ReplayContext,
): Promise<ChainResult> {
  const { market } = cfg;
  const provider = hre.network.provider;
  const vol = ctx.vols[0];
  const base = demoHedgePreset();
  const feed = policy.volFeed
    ? await (await hre.ethers.getContractFactory("MockV3Aggregator")).deploy(8, feedWad(vol[0]) / 10n ** 10n)
    : undefined;
  const setup = cfg.setup.hedge;
  const preset = {
    ...base,
    settings: { ...base.settings, ...setup.settings, ...policy.settings },
    amounts: { ...base.amounts, ...setup.amounts },
    limits: { ...base.limits, ...setup.limits },
    band: policy.band,
    rateWad: sigmaWadOf(book.rate),
    volatility: {
      ...base.volatility,
      feed: feed ? await feed.getAddress() : base.volatility.feed,
      maxStalenessSeconds: feed ? 86400 : 0,
      sigmaWad: sigmaWadOf(book.sigma),
    },
  };
  const optionBook = await deployLocalOptionBook(hre, `BacktestBook${n}`, await ctx.guardian.getAddress());
  const vault = (await deployLocalDeltaHedgeVault(
    hre,
    `BacktestHedge${n}`,
    preset,
    await optionBook.getAddress(),
  )) as IDeltaHedgeVault;
  const address = await vault.getAddress();
  const start = hedgeStartingBalances(market, book);
  await (await lm.tokens.USDC.mint(address, start[0])).wait();
  const r = emptyResult(policy.spec);
  let sumSq = 0;
  let nextCheck = market.times[0];
  let expiry = 0;
  const tenor = book.tenorDays * 86400;
  const manager = optionBook.connect(ctx.guardian);
  for (let row = 0; row < market.times.length; row++) {
    const now = market.times[row];
    if (row > 0) await ctx.moveTo(row, now - 60);
    // The book, as the model rolls it: a new short call when none is live.
    if (expiry <= now) {
      await provider.send("evm_setNextBlockTimestamp", [now - 30 + ctx.shift]);
      if (expiry !== 0) await (await manager.removeLeg(0)).wait();
      expiry = now + tenor;
      const strike = BigInt(Math.round(market.prices[0][row])) * 10n ** 18n;
      const size = BigInt(Math.round(book.size * 1e6)) * 10n ** 12n;
      await (await manager.addLeg(true, false, strike, size, expiry + ctx.shift)).wait();
    }
    if (feed) await (await feed.updateAnswer(feedWad(vol[row]) / 10n ** 10n)).wait();
    if (!policy.base && now >= nextCheck) {
      nextCheck = checkAfter(now, nextCheck, cfg.checkEverySeconds);
      await sendRebalance(hre, vault, ctx.keeper, now + ctx.shift, r);
    }
    // The hedge is read at the row's time, as the model values it (τ moves the book's delta): when no
    // rebalance was sent at it, an empty block is mined there.
    const latest = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
    if (latest < now + ctx.shift) await provider.send("evm_mine", [now + ctx.shift]);
    const hs = await vault.hedgeStatus();
    const net = Number(hs.netDeltaWad) / 1e18;
    sumSq += net * net;
    r.trackingMax = Math.max(r.trackingMax, Math.abs(net));
    ctx.onRow?.();
  }
  r.trackingRms = Math.sqrt(sumSq / market.times.length);
  const [, price] = await vault.pricesWad();
  const usdc = await lm.tokens.USDC.balanceOf(address);
  const weth = await lm.tokens.WETH.balanceOf(address);
  const nav = Number(usdc) / 1e6 + (Number(weth) / 1e18) * (Number(price) / 1e18);
  r.finalValue = nav + (model.finalValue - model.finalNav);
  return r;
}

function emptyResult(spec: string): ChainResult {
  return {
    spec,
    rebalances: 0,
    refused: 0,
    cost: 0,
    rewards: 0,
    gasUnits: 0,
    trackingRms: 0,
    trackingMax: 0,
    finalValue: 0,
  };
}

/**
 * The keeper's check: `rebalance()` sent at exactly `at` (no gas estimate, so a vault that is not due
 * answers in its own block with RebalanceNotDue). A rebalance adds its NAV lost, reward and gas to `r`;
 * any other revert counts as refused.
 */
async function sendRebalance(
  hre: HardhatRuntimeEnvironment,
  vault: ITargetWeightVault | IDeltaHedgeVault,
  keeper: Signer,
  at: number,
  r: ChainResult,
): Promise<void> {
  await hre.network.provider.send("evm_setNextBlockTimestamp", [at]);
  try {
    const receipt = await (await vault.connect(keeper).rebalance({ gasLimit: 3_000_000 })).wait();
    for (const log of receipt!.logs) {
      const parsed = vault.interface.parseLog({ topics: [...log.topics], data: log.data });
      if (parsed?.name !== "Rebalanced") continue;
      r.cost += Number(parsed.args.navBeforeWad - parsed.args.navAfterWad) / 1e18;
      r.rewards += Number(parsed.args.reward) / 1e6;
    }
    r.rebalances++;
    r.gasUnits += Number(receipt!.gasUsed);
  } catch (e) {
    const data = (e as { data?: string }).data;
    const err = data ? vault.interface.parseError(data) : null;
    if (err?.name !== "RebalanceNotDue") r.refused++;
  }
}
