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
  weights: number[];
  maxDrift: number;
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
  return `date        ETH/USD   BTC/USD ${weights}  max drift  action                         cost USD  reward`;
}

function row(s: DemoStep, action: string): string {
  const d = s.point.time.toISOString().slice(0, 10);
  return [
    d.padEnd(10),
    usd(s.point.ethUsd).padStart(9),
    usd(s.point.btcUsd).padStart(9),
    ...s.weights.map((w) => pct(w).padStart(7)),
    pct(s.maxDrift, 2).padStart(11),
    ` ${action.padEnd(29)}`,
    (s.cost ? usd(s.cost, 2) : "-").padStart(9),
    (s.reward ? usd(s.reward, 2) : "-").padStart(7),
  ].join(" ");
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
    const step: DemoStep = { point, weights: [], maxDrift: 0, calls: 0, cost: 0, reward: 0, reason: "" };
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
        }
      }
      // A chunk leaves drift behind: wait out the cooldown (prices unchanged) and check again.
      await hre.network.provider.send("evm_increaseTime", [Number(preset.settings.cooldownSeconds)]);
      await movePrices(market, pricesAt(point), arbitrageur);
    }
    const { w, nav: stepNav } = await readWeights(vault);
    step.weights = w;
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
  const summary: DemoSummary = {
    steps,
    rebalances: steps.reduce((a, s) => a + s.calls, 0),
    totalCost: steps.reduce((a, s) => a + s.cost, 0),
    totalReward: steps.reduce((a, s) => a + s.reward, 0),
    finalNav: nav,
    holdNav,
  };
  log("");
  log(
    `rebalance() calls: ${summary.rebalances}; trading cost (fees + price impact): ${usd(summary.totalCost, 2)} USD; ` +
      `keeper rewards: ${usd(summary.totalReward, 2)} USDC`,
  );
  log(
    `final NAV: ${usd(summary.finalNav, 2)} USD; the same start never rebalanced (buy and hold): ${usd(summary.holdNav, 2)} USD`,
  );
  return summary;
}
