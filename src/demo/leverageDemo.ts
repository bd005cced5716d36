import { formatUnits, parseUnits } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { loadPrices, sample, type PricePoint } from "../data/prices";
import { TAGS } from "../deployments";
import { usd } from "../format/table";
import { loadLending, seedLending } from "../market/lending";
import { loadLocalMarket, movePrices } from "../market/localMarket";
import { Reason } from "../vault/enums";
import { deployLocalLeverageVault, demoLeveragePreset } from "../vault/leverage";

export interface LeverageDemoOptions {
  from: Date;
  to: Date;
  stepHours: number;
  /** WETH deposited at the first price. */
  depositEth: string;
  log: (line: string) => void;
}

/** May–June 2022: ETH from about 2,800 to under 1,000, the history's worst two months for leverage. */
export const DEFAULT_LEVERAGE_DEMO: Omit<LeverageDemoOptions, "log"> = {
  from: new Date("2022-05-01T00:00:00Z"),
  to: new Date("2022-07-01T00:00:00Z"),
  stepHours: 24,
  depositEth: "100",
};

export interface LeverageDemoStep {
  point: PricePoint;
  leverageBefore: number;
  /** What the keeper did: "lever", "delever", "ripcord" (each once per call), or the predicate's reason. */
  actions: string[];
  leverageAfter: number;
  /** Aave's own health factor for the vault after the step. */
  health: number;
  navUsd: number;
}

const x = (wad: bigint) => Number(formatUnits(wad, 18));

/**
 * The leverage vault at work on the real Aave V3 and Uniswap V3 bytecode while real ETH history
 * replays through the feeds, the pools and Aave's oracle: a 2× position (band 1.7–2.3×, ripcord
 * 2.7×) kept by a keeper that pulls the ripcord when it may and otherwise rebalances while one is
 * due. Interest accrues on Aave as the days pass.
 */
export async function runLeverageDemo(
  hre: HardhatRuntimeEnvironment,
  opts: LeverageDemoOptions,
): Promise<LeverageDemoStep[]> {
  const { log } = opts;
  await hre.deployments.fixture([TAGS.LocalMarket, TAGS.LendingMarket]);
  const market = await loadLocalMarket(hre);
  const lending = await loadLending(hre);
  const signers = await hre.ethers.getSigners();
  const [keeper, arbitrageur, holder, lender] = [signers[2], signers[3], signers[4], signers[6]];
  const points = sample(loadPrices(), opts.from, opts.to, opts.stepHours);
  if (points.length === 0) throw new Error("no price data in the chosen range");
  const pricesAt = (p: PricePoint) => ({ USDC: "1", WETH: p.ethUsd.toFixed(8), WBTC: p.btcUsd.toFixed(8) });
  await movePrices(market, pricesAt(points[0]), arbitrageur);
  await seedLending(lending, market.tokens.USDC, lender, parseUnits("50000000", 6));
  const preset = demoLeveragePreset();
  const vault = await deployLocalLeverageVault(hre, "demoLeverage", preset);
  const deposit = parseUnits(opts.depositEth, 18);
  await (await market.tokens.WETH.mint(holder.address, deposit)).wait();
  await (await market.tokens.WETH.connect(holder).approve(await vault.getAddress(), deposit)).wait();
  await (await vault.connect(holder).deposit(deposit, holder.address)).wait();
  const health = async () =>
    x(((await lending.pool.getUserAccountData(await vault.getAddress())) as bigint[])[5]);

  log("");
  log(
    `Ballast leverage demo: ${opts.depositEth} WETH deposited on ${points[0].time.toISOString().slice(0, 10)} into a 2× ETH vault on Aave V3 ` +
      `(band 1.7–2.3×, ripcord 2.7×; WETH's liquidation threshold 83 %: liquidation at 5.9×); a keeper checks every ${opts.stepHours} h`,
  );
  log("");
  log("date         ETH/USD   leverage   action                     leverage after   Aave health");
  const steps: LeverageDemoStep[] = [];
  for (const [i, point] of points.entries()) {
    if (i > 0) {
      await hre.network.provider.send("evm_increaseTime", [opts.stepHours * 3600]);
      await movePrices(market, pricesAt(point), arbitrageur);
    }
    const before = await vault.leverageStatus();
    const actions: string[] = [];
    for (let call = 0; call < 6; call++) {
      if ((await vault.leverageStatus()).ripcordDue) {
        await (await vault.connect(keeper).ripcord()).wait();
        actions.push("ripcord");
        continue;
      }
      const st = await vault.rebalanceStatus();
      if (st.reason !== BigInt(Reason.Due)) break;
      const isSell = st.legs[0].isSell;
      await (await vault.connect(keeper).rebalance()).wait();
      actions.push(isSell ? "delever" : "lever");
    }
    const after = await vault.leverageStatus();
    const step: LeverageDemoStep = {
      point,
      leverageBefore: x(before.leverageWad),
      actions,
      leverageAfter: x(after.leverageWad),
      health: await health(),
      navUsd: x(after.navWad),
    };
    steps.push(step);
    log(
      [
        point.time.toISOString().slice(0, 10).padEnd(10),
        usd(point.ethUsd).padStart(9),
        `${step.leverageBefore.toFixed(3)}×`.padStart(10),
        `   ${(actions.length ? actions.join(", ") : "within band").padEnd(24)}`,
        (actions.length ? `${step.leverageAfter.toFixed(3)}×` : "").padStart(15),
        step.health.toFixed(3).padStart(13),
      ].join(" "),
    );
  }
  const count = (a: string) => steps.reduce((n, s) => n + s.actions.filter((y) => y === a).length, 0);
  const first = steps[0];
  const last = steps[steps.length - 1];
  const hold = Number(opts.depositEth) * last.point.ethUsd;
  log("");
  log(
    `${count("lever")} levers, ${count("delever")} delevers, ${count("ripcord")} ripcords; lowest Aave health after a step ` +
      `${Math.min(...steps.map((s) => s.health)).toFixed(3)} (liquidatable below 1)`,
  );
  log(
    `NAV ${usd(Number(opts.depositEth) * first.point.ethUsd)} → ${usd(last.navUsd)} USD; the same ETH held unlevered: ${usd(hold)} USD ` +
      `(${formatUnits(deposit, 18)} WETH at ${usd(last.point.ethUsd)})`,
  );
  return steps;
}

/** The CSV columns of the leverage demo (one row per step). */
export function leverageCsv(steps: LeverageDemoStep[]): string[][] {
  return [
    ["date", "eth_usd", "leverage_before", "actions", "leverage_after", "aave_health", "nav_usd"],
    ...steps.map((s) => [
      s.point.time.toISOString(),
      String(s.point.ethUsd),
      s.leverageBefore.toFixed(6),
      s.actions.join(" "),
      s.leverageAfter.toFixed(6),
      s.health.toFixed(6),
      s.navUsd.toFixed(2),
    ]),
  ];
}
