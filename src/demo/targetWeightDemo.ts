import { MaxUint256, formatUnits, parseUnits } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { ITargetWeightVault } from "../../typechain-types";
import { loadPrices, sample, type PricePoint } from "../data/prices";
import { NAMES, TAGS } from "../deployments";
import { loadLocalMarket, movePrices, type LocalMarket } from "../market/localMarket";
import { pct, usd } from "../format/table";
import { reasonName } from "../vault/enums";
import { demoVaultPreset } from "../vault/targetWeight";

export interface DemoOptions {
  from: Date;
  to: Date;
  stepHours: number;
  depositUsdc: string;
  /** Most rebalance calls a keeper makes within one step (chunks wait out the cooldown). */
  maxCallsPerStep: number;
  log: (line: string) => void;
}

export const DEFAULT_DEMO: Omit<DemoOptions, "log"> = {
  from: new Date("2022-05-01T00:00:00Z"),
  to: new Date("2022-07-01T00:00:00Z"),
  stepHours: 24,
  depositUsdc: "1000000",
  maxCallsPerStep: 4,
};

export interface DemoStep {
  point: PricePoint;
  /** The largest |weight − target| at the step's prices, before any rebalance: what the trigger saw. */
  driftBefore: number;
  /** Some asset was outside its band before the step's action. */
  outOfBand: boolean;
  weights: number[];
  /** The largest |weight − target| after the step's rebalances. */
  maxDrift: number;
  /** Value the step's rebalances traded (quote, USD). */
  traded: number;
  nav: number;
  calls: number;
  /** NAV lost by this step's rebalances, quote units (USD). */
  cost: number;
  reward: number;
  reason: string;
}

export interface DemoSummary {
  steps: DemoStep[];
  rebalances: number;
  totalCost: number;
  totalReward: number;
  finalNav: number;
  holdNav: number;
  /** How closely the vault tracked its targets: the drift it saw, how often out of band, what it traded and paid. */
  tracking: {
    meanDrift: number;
    maxDrift: number;
    /** Share of steps (time) some asset was outside its band before the step's action. */
    timeOutOfBand: number;
    /** Value traded over the mean NAV. */
    turnover: number;
    /** Trading cost (NAV lost: fees and price impact) and rewards, bps of the mean NAV. */
    costBps: number;
    rewardBps: number;
  };
}

const SYMBOLS = ["USDC", "WETH", "WBTC"];
const DECIMALS = [6, 18, 8];

/** A readable name for each pool the vault lists: its kind and fee tier. */
async function venueLabels(market: LocalMarket): Promise<(pool: string) => string> {
  const names: Record<string, string> = {};
  const kinds = { uniswapV3: "Uniswap V3", uniswapV2: "Uniswap V2", balancerWeighted: "Balancer" } as const;
  for (const p of Object.values(market.pools)) {
    names[(await p.contract.getAddress()).toLowerCase()] = `Uniswap V3 ${p.spec.fee / 1e4}%`;
  }
  for (const v of market.venues) {
    names[(await v.contract.getAddress()).toLowerCase()] = `${kinds[v.spec.kind]} ${v.spec.fee / 1e4}%`;
  }
  return (pool: string) => names[pool.toLowerCase()] ?? pool;
}
/** Column header; each weight column names its asset and target (e.g. `WETH→30`). */
function header(targets: number[]): string {
  const weights = SYMBOLS.map((sym, i) => `${sym}→${Math.round(targets[i] * 100)}`.padStart(7)).join(" ");
  return `date        ETH/USD   BTC/USD  drift in  action                        ${weights}  drift out  cost USD  reward`;
}

/** One step: the drift that fired (or did not fire) the trigger, the action, then the state after. */
function row(s: DemoStep, action: string): string {
  const d = s.point.time.toISOString().slice(0, 10);
  return [
    d.padEnd(10),
    usd(s.point.ethUsd).padStart(9),
    usd(s.point.btcUsd).padStart(9),
    `${pct(s.driftBefore, 2)}${s.outOfBand ? "*" : " "}`.padStart(9),
    ` ${action.padEnd(29)}`,
    ...s.weights.map((w) => pct(w).padStart(7)),
    pct(s.maxDrift, 2).padStart(10),
    (s.cost ? usd(s.cost, 2) : "-").padStart(9),
    (s.reward ? usd(s.reward, 2) : "-").padStart(7),
  ].join(" ");
}

/** The CSV columns of the target-weight demo (one row per step). */
export function targetWeightCsv(steps: DemoStep[]): string[][] {
  return [
    [
      "date",
      "eth_usd",
      "btc_usd",
      "drift_before",
      "out_of_band",
      "calls",
      "reason",
      ...SYMBOLS.map((s) => `weight_${s.toLowerCase()}`),
      "drift_after",
      "traded_usd",
      "cost_usd",
      "reward_usdc",
      "nav_usd",
    ],
    ...steps.map((s) => [
      s.point.time.toISOString(),
      String(s.point.ethUsd),
      String(s.point.btcUsd),
      s.driftBefore.toFixed(6),
      String(s.outOfBand),
      String(s.calls),
      s.calls > 0 ? "Due" : s.reason,
      ...s.weights.map((w) => w.toFixed(6)),
      s.maxDrift.toFixed(6),
      s.traded.toFixed(2),
      s.cost.toFixed(6),
      s.reward.toFixed(6),
      s.nav.toFixed(2),
    ]),
  ];
}

async function readWeights(vault: ITargetWeightVault): Promise<{ w: number[]; nav: number }> {
  const [w, nav] = await vault.weightsWad();
  return { w: w.map((x) => Number(formatUnits(x, 18))), nav: Number(formatUnits(nav, 18)) };
}

/**
 * The main job on the in-process network: deploys the local market and the demo vault (40% USDC,
 * 30% WETH, 30% WBTC, ±5% bands), deposits, replays a stretch of real ETH/BTC history through the
 * feeds and the pools, and lets a keeper call rebalance() whenever the trigger says it is due.
 */
export async function runTargetWeightDemo(
  hre: HardhatRuntimeEnvironment,
  opts: DemoOptions,
): Promise<DemoSummary> {
  const { log } = opts;
  await hre.deployments.fixture([TAGS.DemoVault]);
  const market: LocalMarket = await loadLocalMarket(hre);
  const vault = (await hre.ethers.getContractAt(
    "ITargetWeightVault",
    (await hre.deployments.get(NAMES.vault("demo"))).address,
  )) as unknown as ITargetWeightVault;
  const [, , keeper, arbitrageur, alice] = await hre.ethers.getSigners();
  const preset = demoVaultPreset();
  const targets = preset.assets.map((a) => a.targetBps / 1e4);
  // The tighter of each asset's absolute and relative band, as a weight (the trigger's test).
  const bands = preset.assets.map((a) =>
    Math.min(
      a.absBandBps > 0 ? a.absBandBps / 1e4 : Infinity,
      a.relBandBps > 0 ? ((a.targetBps / 1e4) * a.relBandBps) / 1e4 : Infinity,
    ),
  );

  const points = sample(loadPrices(), opts.from, opts.to, opts.stepHours);
  if (points.length === 0) throw new Error("no price data in the chosen range");
  const pricesAt = (p: PricePoint) => ({ USDC: "1", WETH: p.ethUsd.toFixed(8), WBTC: p.btcUsd.toFixed(8) });
  await movePrices(market, pricesAt(points[0]), arbitrageur);

  const deposit = parseUnits(opts.depositUsdc, 6);
  await (await market.tokens.USDC.mint(alice.address, deposit)).wait();
  await (await market.tokens.USDC.connect(alice).approve(await vault.getAddress(), MaxUint256)).wait();
  await (await vault.connect(alice).deposit(deposit, alice.address)).wait();

  log(
    `Ballast demo: ${preset.name}, targets ${SYMBOLS.map((s, i) => `${s} ${pct(targets[i], 0)}`).join(" / ")}, ` +
      `band ±${pct(preset.assets[0].absBandBps / 1e4, 0)}, max trade ${pct(Number(preset.settings.maxTradeBps) / 1e4, 0)} of NAV per call`,
  );
  log(
    `${usd(Number(opts.depositUsdc))} USDC deposited; replaying ${points.length} steps of real ETH/BTC history ` +
      `(${points[0].time.toISOString().slice(0, 10)} → ${points[points.length - 1].time.toISOString().slice(0, 10)}, every ${opts.stepHours}h)`,
  );
  const venueName = await venueLabels(market);
  const [venueList] = await vault.venues();
  log(
    `venues: ${venueList.map((v, i) => `${i} ${SYMBOLS[Number(v.asset)]}/${SYMBOLS[Number(v.counter)]} ${venueName(v.pool)}`).join(", ")}`,
  );
  log("");
  log(header(targets));

  const steps: DemoStep[] = [];
  let hold: { eth: number; btc: number; usdc: number } | null = null;
  for (const [i, point] of points.entries()) {
    if (i > 0) {
      await hre.network.provider.send("evm_increaseTime", [opts.stepHours * 3600]);
      await movePrices(market, pricesAt(point), arbitrageur);
    }
    const start = await readWeights(vault);
    const driftsIn = start.w.map((x, k) => Math.abs(x - targets[k]));
    const step: DemoStep = {
      point,
      driftBefore: Math.max(...driftsIn),
      outOfBand: driftsIn.some((d, k) => d > bands[k]),
      weights: [],
      maxDrift: 0,
      traded: 0,
      nav: 0,
      calls: 0,
      cost: 0,
      reward: 0,
      reason: "",
    };
    const details: string[] = [];
    for (let call = 0; call < opts.maxCallsPerStep; call++) {
      const st = await vault.rebalanceStatus();
      step.reason = reasonName(st.reason);
      if (step.reason !== "Due") break;
      const receipt = await (await vault.connect(keeper).rebalance()).wait();
      step.calls++;
      // A leg's venue slices (VenueSwap) come before its RebalanceLeg or DirectLeg event.
      let slices: { venue: string; amountIn: bigint }[] = [];
      for (const log_ of receipt!.logs) {
        let parsed;
        try {
          parsed = vault.interface.parseLog({ topics: [...log_.topics], data: log_.data });
        } catch {
          continue;
        }
        if (parsed?.name === "VenueSwap") {
          slices.push({
            venue: venueName(venueList[Number(parsed.args.venue)].pool),
            amountIn: parsed.args.amountIn as bigint,
          });
        } else if (parsed?.name === "DirectLeg") {
          const [aIn, aOut] = [Number(parsed.args.assetIn), Number(parsed.args.assetOut)];
          details.push(
            `            swapped ${Number(formatUnits(parsed.args.amountIn, DECIMALS[aIn])).toFixed(4)} ${SYMBOLS[aIn]} ` +
              `for ${Number(formatUnits(parsed.args.amountOut, DECIMALS[aOut])).toFixed(4)} ${SYMBOLS[aOut]} directly ` +
              `(one fee instead of two; oracle-bounded min out ${Number(formatUnits(parsed.args.minAmountOut, DECIMALS[aOut])).toFixed(4)})`,
          );
          slices = [];
        } else if (parsed?.name === "RebalanceLeg") {
          const a = Number(parsed.args.asset);
          const dec = DECIMALS[a];
          const amountAsset = parsed.args.isSell ? parsed.args.amountIn : parsed.args.amountOut;
          const amountUsdc = parsed.args.isSell ? parsed.args.amountOut : parsed.args.amountIn;
          details.push(
            `            ${parsed.args.isSell ? "sold" : "bought"} ${Number(formatUnits(amountAsset, dec)).toFixed(4)} ${SYMBOLS[a]} ` +
              `${parsed.args.isSell ? "for" : "with"} ${usd(Number(formatUnits(amountUsdc, 6)), 2)} USDC ` +
              `(oracle-bounded min out ${Number(formatUnits(parsed.args.minAmountOut, parsed.args.isSell ? 6 : dec)).toFixed(4)})`,
          );
          const total = slices.reduce((t, x) => t + x.amountIn, 0n);
          if (slices.length > 1 && total > 0n) {
            details.push(
              `              split: ${slices.map((x) => `${x.venue} ${pct(Number(x.amountIn) / Number(total), 0)}`).join(", ")}`,
            );
          }
          slices = [];
        } else if (parsed?.name === "Rebalanced") {
          step.cost += Number(formatUnits(parsed.args.navBeforeWad - parsed.args.navAfterWad, 18));
          step.reward += Number(formatUnits(parsed.args.reward, 6));
          step.traded += Number(formatUnits(parsed.args.tradedValueWad, 18));
        }
      }
      // A chunk leaves drift behind: wait out the cooldown (prices unchanged) and check again.
      await hre.network.provider.send("evm_increaseTime", [Number(preset.settings.cooldownSeconds)]);
      await movePrices(market, pricesAt(point), arbitrageur);
    }
    const { w, nav: stepNav } = await readWeights(vault);
    step.weights = w;
    step.nav = stepNav;
    if (!hold && step.calls > 0) {
      // Buy-and-hold reference: the allocation once the first rebalance completed, never traded again.
      hold = {
        usdc: w[0] * stepNav,
        eth: (w[1] * stepNav) / point.ethUsd,
        btc: (w[2] * stepNav) / point.btcUsd,
      };
    }
    step.maxDrift = Math.max(...w.map((x, k) => Math.abs(x - targets[k])));
    steps.push(step);
    const action =
      step.calls > 0 ? `rebalanced (${step.calls} call${step.calls > 1 ? "s" : ""})` : step.reason;
    log(row(step, action));
    for (const d of details) log(d);
    if ((i + 1) % 25 === 0 && i + 1 < points.length) log(header(targets));
  }

  const last = points[points.length - 1];
  const { nav } = await readWeights(vault);
  const holdNav = hold ? hold.usdc + hold.eth * last.ethUsd + hold.btc * last.btcUsd : nav;
  const sum = (f: (s: DemoStep) => number) => steps.reduce((a, s) => a + f(s), 0);
  // From the first rebalance on (before it the vault is all cash by design, not drifting).
  const tracked = steps.slice(Math.max(0, steps.findIndex((s) => s.calls > 0) + 1));
  const meanNav = sum((s) => s.nav) / steps.length;
  const summary: DemoSummary = {
    steps,
    rebalances: sum((s) => s.calls),
    totalCost: sum((s) => s.cost),
    totalReward: sum((s) => s.reward),
    finalNav: nav,
    holdNav,
    tracking: {
      meanDrift: tracked.reduce((a, s) => a + s.driftBefore, 0) / Math.max(1, tracked.length),
      maxDrift: Math.max(0, ...tracked.map((s) => s.driftBefore)),
      timeOutOfBand: tracked.filter((s) => s.outOfBand).length / Math.max(1, tracked.length),
      turnover: sum((s) => s.traded) / meanNav,
      costBps: (sum((s) => s.cost) / meanNav) * 1e4,
      rewardBps: (sum((s) => s.reward) / meanNav) * 1e4,
    },
  };
  const t = summary.tracking;
  log("");
  log(
    `rebalance() calls: ${summary.rebalances}; trading cost (fees + price impact): ${usd(summary.totalCost, 2)} USD; ` +
      `keeper rewards: ${usd(summary.totalReward, 2)} USDC`,
  );
  log(
    `tracking (after the first rebalance, ${tracked.length} steps): drift before action mean ${pct(t.meanDrift, 2)}, ` +
      `max ${pct(t.maxDrift, 2)}; out of band ${pct(t.timeOutOfBand, 0)} of the time (* in "drift in"); ` +
      `turnover ${t.turnover.toFixed(2)}× the mean NAV; cost ${t.costBps.toFixed(1)} bps and rewards ${t.rewardBps.toFixed(1)} bps of it`,
  );
  log(
    `final NAV: ${usd(summary.finalNav, 2)} USD; the same start never rebalanced (buy and hold): ${usd(summary.holdNav, 2)} USD`,
  );
  const fell = last.ethUsd < points[0].ethUsd && last.btcUsd < points[0].btcUsd;
  if (fell && summary.finalNav < summary.holdNav) {
    log(
      `why it trails buy and hold: in a falling market every rebalance sells USDC to buy back up to target the ` +
        `WETH and WBTC that just fell, so the vault holds more of what kept falling than an untouched portfolio ` +
        `(${pct(1 - summary.finalNav / summary.holdNav, 2)} here); the same discipline sells into rallies and ` +
        `gains in markets that revert. That is the price of holding the target, not a cost of the trades ` +
        `(${usd(summary.totalCost, 2)} USD).`,
    );
  }
  return summary;
}
