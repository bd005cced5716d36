import { formatUnits } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { loadPrices, sample, type PricePoint } from "../data/prices";
import { TAGS } from "../deployments";
import { usd } from "../format/table";
import { loadLending } from "../market/lending";
import { loadLocalMarket, movePrices } from "../market/localMarket";
import { WAD } from "../math/units";
import { Reason, reasonName } from "../vault/enums";
import { setUpLocalLendingHedge } from "../vault/deltaHedge";

export interface ShortHedgeDemoOptions {
  from: Date;
  to: Date;
  stepHours: number;
  /** Calls the book holds: long, struck at the first spot (rounded to 50), expiring `expiryDays` after `from`. */
  callsEth: number;
  expiryDays: number;
  fundUsdc: number;
  log: (line: string) => void;
}

/** March 2024: ETH from about 3,400 to 4,000 and back to 3,600; the long calls' delta swings with it. */
export const DEFAULT_SHORT_HEDGE_DEMO: Omit<ShortHedgeDemoOptions, "log"> = {
  from: new Date("2024-03-01T00:00:00Z"),
  to: new Date("2024-04-01T00:00:00Z"),
  stepHours: 24,
  callsEth: 40,
  expiryDays: 45,
  fundUsdc: 250_000,
};

export interface ShortHedgeDemoStep {
  point: PricePoint;
  bookDelta: number;
  /** Underlying held less owed on Aave, before and after the keeper (negative: short). */
  underlyingBefore: number;
  underlyingAfter: number;
  netAfter: number;
  /** "short" (borrow and sell), "buy back" (buy and repay), or the predicate's reason. */
  action: string;
  loanToValueBps: number;
  health: number;
}

const x = (w: bigint) => Number(formatUnits(w, 18));

/**
 * A delta-hedged vault that must go short (`DeltaHedgeLendingVault`) at work on the real Aave V3 and
 * Uniswap V3 bytecode while real ETH history replays through the feeds, the pools and Aave's oracle:
 * its book is long calls, so it borrows WETH against its USDC and sells it, shorts more as the calls
 * go into the money, and buys back and repays as they fall. A keeper checks once per step.
 */
export async function runShortHedgeDemo(
  hre: HardhatRuntimeEnvironment,
  opts: ShortHedgeDemoOptions,
): Promise<ShortHedgeDemoStep[]> {
  const { log } = opts;
  await hre.deployments.fixture([TAGS.LocalMarket, TAGS.LendingMarket]);
  const market = await loadLocalMarket(hre);
  const lending = await loadLending(hre);
  const signers = await hre.ethers.getSigners();
  const [keeper, arbitrageur] = [signers[2], signers[3]];
  const points = sample(loadPrices(), opts.from, opts.to, opts.stepHours);
  if (points.length === 0) throw new Error("no price data in the chosen range");
  const pricesAt = (p: PricePoint) => ({ USDC: "1", WETH: p.ethUsd.toFixed(8), WBTC: p.btcUsd.toFixed(8) });
  await movePrices(market, pricesAt(points[0]), arbitrageur);
  const strike = Math.round(points[0].ethUsd / 50) * 50;
  const { vault } = await setUpLocalLendingHedge(hre, "demoShortHedge", {
    strikeWad: BigInt(strike) * WAD,
    callsWad: BigInt(opts.callsEth) * WAD,
    expirySeconds: opts.expiryDays * 86_400,
    fundUsdc: BigInt(opts.fundUsdc) * 10n ** 6n,
  });
  const address = await vault.getAddress();
  const health = async () => x(((await lending.pool.getUserAccountData(address)) as bigint[])[5]);

  log("");
  log(
    `Ballast short-hedge demo: a book long ${opts.callsEth} ETH calls struck at ${usd(strike)} (${opts.expiryDays} days), hedged ` +
      `by a vault holding ${usd(opts.fundUsdc)} USDC and no WETH: it borrows WETH on Aave V3 against its USDC and sells it ` +
      `(LTV cap ${Number(await vault.maxLtvBps()) / 100} %); a keeper checks every ${opts.stepHours} h`,
  );
  log("");
  log("date         ETH/USD   book Δ   WETH before   action        WETH after   net Δ    LTV   Aave health");
  const steps: ShortHedgeDemoStep[] = [];
  for (const [i, point] of points.entries()) {
    if (i > 0) {
      await hre.network.provider.send("evm_increaseTime", [opts.stepHours * 3600]);
      await movePrices(market, pricesAt(point), arbitrageur);
    }
    const before = await vault.hedgeStatus();
    const st = await vault.rebalanceStatus();
    let action: string = reasonName(st.reason);
    if (st.reason === BigInt(Reason.Due)) {
      action = st.legs[0].isSell ? "short" : "buy back";
      await (await vault.connect(keeper).rebalance()).wait();
    }
    const after = await vault.hedgeStatus();
    const position = await vault.lendingStatus();
    const step: ShortHedgeDemoStep = {
      point,
      bookDelta: x(before.bookDeltaWad),
      underlyingBefore: x(before.underlyingWad),
      underlyingAfter: x(after.underlyingWad),
      netAfter: x(after.netDeltaWad),
      action,
      loanToValueBps: Number(position.loanToValueBps),
      health: position.debt === 0n ? Infinity : await health(),
    };
    steps.push(step);
    log(
      [
        point.time.toISOString().slice(0, 10).padEnd(10),
        usd(point.ethUsd).padStart(9),
        step.bookDelta.toFixed(2).padStart(8),
        step.underlyingBefore.toFixed(2).padStart(13),
        `   ${action.padEnd(12)}`,
        step.underlyingAfter.toFixed(2).padStart(10),
        step.netAfter.toFixed(2).padStart(7),
        `${(step.loanToValueBps / 100).toFixed(1)} %`.padStart(7),
        (Number.isFinite(step.health) ? step.health.toFixed(2) : "no debt").padStart(12),
      ].join(" "),
    );
  }
  const count = (a: string) => steps.filter((s) => s.action === a).length;
  const shortest = Math.min(...steps.map((s) => s.underlyingAfter));
  log("");
  log(
    `${count("short")} shorts, ${count("buy back")} buy-backs; the largest short ${(-shortest).toFixed(2)} WETH; ` +
      `highest LTV ${(Math.max(...steps.map((s) => s.loanToValueBps)) / 100).toFixed(1)} %, lowest Aave health ` +
      `${Math.min(...steps.map((s) => s.health)).toFixed(2)} (liquidatable below 1)`,
  );
  return steps;
}

/** The CSV columns of the short-hedge demo (one row per step). */
export function shortHedgeCsv(steps: ShortHedgeDemoStep[]): string[][] {
  return [
    [
      "date",
      "eth_usd",
      "book_delta",
      "weth_before",
      "action",
      "weth_after",
      "net_delta",
      "ltv_bps",
      "aave_health",
    ],
    ...steps.map((s) => [
      s.point.time.toISOString(),
      String(s.point.ethUsd),
      s.bookDelta.toFixed(6),
      s.underlyingBefore.toFixed(6),
      s.action,
      s.underlyingAfter.toFixed(6),
      s.netAfter.toFixed(6),
      String(s.loanToValueBps),
      Number.isFinite(s.health) ? s.health.toFixed(6) : "",
    ]),
  ];
}
