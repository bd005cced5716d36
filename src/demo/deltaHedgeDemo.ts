import { formatUnits, parseUnits } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { loadPrices, sample, type PricePoint } from "../data/prices";
import { TAGS } from "../deployments";
import { pct, usd } from "../format/table";
import { blackScholesPrices, toWad } from "../math/reference";
import { loadLocalMarket, movePrices } from "../market/localMarket";
import { reasonName } from "../vault/enums";
import {
  BandPolicy,
  type DeltaHedgePreset,
  demoHedgePreset,
  deployLocalDeltaHedgeVault,
  deployLocalOptionBook,
} from "../vault/deltaHedge";
import { WAD } from "../math/units";

export interface HedgeDemoOptions {
  from: Date;
  to: Date;
  stepHours: number;
  /** Calls written by the book: short, struck `strikeOverSpot` above the first spot, expiring `expiryDays` after `from`. */
  callsEth: number;
  strikeOverSpot: number;
  expiryDays: number;
  fundUsdc: string;
  log: (line: string) => void;
}

export const DEFAULT_HEDGE_DEMO: Omit<HedgeDemoOptions, "log"> = {
  from: new Date("2024-02-01T00:00:00Z"),
  to: new Date("2024-03-01T00:00:00Z"),
  stepHours: 24,
  callsEth: 100,
  strikeOverSpot: 1.1,
  expiryDays: 31,
  fundUsdc: "600000",
};

/** The demo hedger: σ 70%, r 4%, Whalley–Wilmott band (λ 5 bps, γ 0.002/USD), clamped to [0.2, 20] ETH. */
export function hedgeDemoPreset(): DeltaHedgePreset {
  const preset = demoHedgePreset();
  return {
    ...preset,
    volatility: { ...preset.volatility, sigmaWad: (7n * WAD) / 10n },
    band: {
      policy: BandPolicy.WhalleyWilmott,
      relativeBps: 0,
      costBps: 5,
      absoluteWad: 0n,
      riskAversionWad: (2n * WAD) / 1000n,
      minHalfWidthWad: WAD / 5n,
      maxHalfWidthWad: 20n * WAD,
    },
  };
}

export interface HedgeDemoStep {
  point: PricePoint;
  bookDelta: number;
  halfWidth: number;
  netBefore: number;
  netAfter: number;
  calls: number;
  reason: string;
  /** NAV the step's rebalance lost to fees and price impact, and the reward it paid (USD). */
  cost: number;
  reward: number;
  /** The vault's holdings at the feed price after the step (USDC + WETH), USD. */
  vaultValue: number;
  /** What the book's short calls are worth (Black–Scholes at the vault's σ and r), USD. */
  callsValue: number;
  /** Since the start: the vault's value change less the calls' value change (the writer's hedged P&L). */
  hedgedPnl: number;
}

/** The CSV columns of the delta-hedge demo (one row per step). */
export function deltaHedgeCsv(steps: HedgeDemoStep[]): string[][] {
  return [
    [
      "date",
      "eth_usd",
      "book_delta",
      "half_width",
      "net_delta_before",
      "calls",
      "reason",
      "net_delta_after",
      "cost_usd",
      "reward_usdc",
      "vault_value_usd",
      "calls_value_usd",
      "hedged_pnl_usd",
    ],
    ...steps.map((s) => [
      s.point.time.toISOString(),
      String(s.point.ethUsd),
      s.bookDelta.toFixed(6),
      s.halfWidth.toFixed(6),
      s.netBefore.toFixed(6),
      String(s.calls),
      s.calls > 0 ? "Due" : s.reason,
      s.netAfter.toFixed(6),
      s.cost.toFixed(6),
      s.reward.toFixed(6),
      s.vaultValue.toFixed(2),
      s.callsValue.toFixed(2),
      s.hedgedPnl.toFixed(2),
    ]),
  ];
}

const eth = (x: bigint) => Number(formatUnits(x, 18));
const signed = (x: number) => `${x >= 0 ? "+" : ""}${x.toFixed(3)}`;

/**
 * The delta-hedged vault at work: a book short `callsEth` ETH calls, hedged with WETH bought and
 * sold on the local Uniswap V3 pool while real ETH history replays through the feed and the pool.
 * A keeper calls rebalance() whenever the trigger says it is due; each row shows the net delta
 * before and after.
 */
export async function runDeltaHedgeDemo(
  hre: HardhatRuntimeEnvironment,
  opts: HedgeDemoOptions,
): Promise<HedgeDemoStep[]> {
  const { log } = opts;
  await hre.deployments.fixture([TAGS.LocalMarket]);
  const market = await loadLocalMarket(hre);
  const [admin, guardian, keeper, arbitrageur] = await hre.ethers.getSigners();
  const points = sample(loadPrices(), opts.from, opts.to, opts.stepHours);
  if (points.length === 0) throw new Error("no price data in the chosen range");
  const pricesAt = (p: PricePoint) => ({ USDC: "1", WETH: p.ethUsd.toFixed(8), WBTC: p.btcUsd.toFixed(8) });
  await movePrices(market, pricesAt(points[0]), arbitrageur);

  const book = await deployLocalOptionBook(hre, "demoHedge", guardian.address);
  const preset = hedgeDemoPreset();
  const vault = await deployLocalDeltaHedgeVault(hre, "demoHedge", preset, await book.getAddress());
  const now = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
  const expiry = now + opts.expiryDays * 86_400;
  const strike = Math.round(points[0].ethUsd * opts.strikeOverSpot);
  await (
    await book
      .connect(guardian)
      .addLeg(true, false, BigInt(strike) * WAD, BigInt(opts.callsEth) * WAD, expiry)
  ).wait();
  const fundAmount = parseUnits(opts.fundUsdc, 6);
  await (await market.tokens.USDC.mint(admin.address, fundAmount)).wait();
  await (await market.tokens.USDC.connect(admin).approve(await vault.getAddress(), fundAmount)).wait();
  await (await vault.connect(admin).fund(0, fundAmount)).wait();

  log("");
  log(
    `Ballast delta-hedge demo: a book short ${opts.callsEth} ETH calls struck at ${usd(strike)}, ` +
      `expiring ${opts.expiryDays} days after ${points[0].time.toISOString().slice(0, 10)}; σ 70%, r 4%; ` +
      `Whalley–Wilmott band (λ 5 bps, γ 0.002/USD); the vault starts with ${usd(Number(opts.fundUsdc))} USDC and no ETH`,
  );
  log("");
  const header = "date         ETH/USD   book Δ   band ±H   net Δ before   action           net Δ after";
  log(header);
  // The calls' value off-chain (the reference Black–Scholes, decimal.js), at the vault's own σ and r.
  const callsValue = async (spot: number) => {
    const t = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
    const price = blackScholesPrices({
      spotWad: toWad(spot),
      strikeWad: BigInt(strike) * WAD,
      sigmaWad: BigInt(preset.volatility.sigmaWad),
      tauSeconds: BigInt(Math.max(0, expiry - t)),
      rateWad: BigInt(preset.rateWad),
    }).call;
    return price.toNumber() * opts.callsEth;
  };
  const vaultValue = async (spot: number) =>
    Number(formatUnits(await market.tokens.USDC.balanceOf(await vault.getAddress()), 6)) +
    Number(formatUnits(await market.tokens.WETH.balanceOf(await vault.getAddress()), 18)) * spot;
  const v0 = await vaultValue(points[0].ethUsd);
  const c0 = await callsValue(points[0].ethUsd);
  const steps: HedgeDemoStep[] = [];
  for (const [i, point] of points.entries()) {
    if (i > 0) {
      await hre.network.provider.send("evm_increaseTime", [opts.stepHours * 3600]);
      await movePrices(market, pricesAt(point), arbitrageur);
    }
    const before = await vault.hedgeStatus();
    const step: HedgeDemoStep = {
      point,
      bookDelta: eth(before.bookDeltaWad),
      halfWidth: eth(before.halfWidthWad),
      netBefore: eth(before.netDeltaWad),
      netAfter: eth(before.netDeltaWad),
      calls: 0,
      reason: reasonName(before.reason),
      cost: 0,
      reward: 0,
      vaultValue: 0,
      callsValue: 0,
      hedgedPnl: 0,
    };
    const details: string[] = [];
    if (step.reason === "Due") {
      const receipt = await (await vault.connect(keeper).rebalance()).wait();
      step.calls = 1;
      for (const l of receipt!.logs) {
        let parsed;
        try {
          parsed = vault.interface.parseLog({ topics: [...l.topics], data: l.data });
        } catch {
          continue;
        }
        if (parsed?.name === "Rebalanced") {
          step.cost += Number(formatUnits(parsed.args.navBeforeWad - parsed.args.navAfterWad, 18));
          step.reward += Number(formatUnits(parsed.args.reward, 6));
        }
        if (parsed?.name === "RebalanceLeg") {
          const amountEth = parsed.args.isSell ? parsed.args.amountIn : parsed.args.amountOut;
          const amountUsdc = parsed.args.isSell ? parsed.args.amountOut : parsed.args.amountIn;
          details.push(
            `             ${parsed.args.isSell ? "sold" : "bought"} ${eth(amountEth).toFixed(4)} WETH ` +
              `${parsed.args.isSell ? "for" : "with"} ${usd(Number(formatUnits(amountUsdc, 6)), 2)} USDC`,
          );
        }
      }
      step.netAfter = eth((await vault.hedgeStatus()).netDeltaWad);
    }
    step.vaultValue = await vaultValue(point.ethUsd);
    step.callsValue = await callsValue(point.ethUsd);
    step.hedgedPnl = step.vaultValue - v0 - (step.callsValue - c0);
    steps.push(step);
    log(
      [
        point.time.toISOString().slice(0, 10).padEnd(10),
        usd(point.ethUsd).padStart(9),
        signed(step.bookDelta).padStart(9),
        step.halfWidth.toFixed(3).padStart(9),
        signed(step.netBefore).padStart(14),
        `   ${(step.calls > 0 ? "rebalanced" : step.reason).padEnd(15)}`,
        (step.calls > 0 ? signed(step.netAfter) : "").padStart(12),
      ].join(" "),
    );
    for (const d of details) log(d);
  }
  const calls = steps.reduce((a, s) => a + s.calls, 0);
  const worstAfter = Math.max(0, ...steps.filter((s) => s.calls > 0).map((s) => Math.abs(s.netAfter)));
  log("");
  log(`rebalance() calls: ${calls}; largest |net Δ| left after a rebalance: ${worstAfter.toFixed(3)} ETH`);
  const last = steps[steps.length - 1];
  const cost = steps.reduce((a, s) => a + s.cost, 0);
  const reward = steps.reduce((a, s) => a + s.reward, 0);
  log(
    `hedge cost: ${usd(cost, 2)} USD of trading (fees and price impact) and ${usd(reward, 2)} USDC of keeper rewards ` +
      `over ${calls} rebalance${calls === 1 ? "" : "s"}`,
  );
  log(
    `P&L of the writer since ${points[0].time.toISOString().slice(0, 10)} (calls at Black–Scholes, σ ${pct(Number(preset.volatility.sigmaWad) / 1e18, 0)}): ` +
      `unhedged ${usd(-(last.callsValue - c0), 2)} USD (the calls went from ${usd(c0, 2)} to ${usd(last.callsValue, 2)}); ` +
      `hedged ${usd(last.hedgedPnl, 2)} USD (the vault's holdings moved ${usd(last.vaultValue - v0, 2)} against them)`,
  );
  return steps;
}
