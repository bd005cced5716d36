import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { TAGS } from "../deployments";
import { loadLocalMarket } from "../market/localMarket";
import { Reason } from "../vault/enums";
import { demoHedgePreset, deployLocalDeltaHedgeVault, deployLocalOptionBook } from "../vault/deltaHedge";
import { WAD } from "../math/units";

const DAY = 86_400n;
/** The book's expiries: legs spread over four, as a real book's would be. */
const EXPIRY_DAYS = [7n, 30n, 90n, 180n];

export interface HedgeGasResult {
  legs: number;
  /** gasUsed of rebalance() on a book of `legs` short calls with the hedge out of band. */
  rebalanceGas: bigint;
}

/**
 * A delta-hedged vault over a book of `legs` short ETH calls (5 ETH each, strikes 2,400–3,600,
 * four expiries) holding only USDC, so its net delta is far below the band and rebalance() buys
 * WETH. Shared by the gas snapshot and the benchmark.
 */
export async function measureHedgeRebalance(
  hre: HardhatRuntimeEnvironment,
  legs: number,
): Promise<HedgeGasResult> {
  await hre.deployments.fixture([TAGS.LocalMarket]);
  const market = await loadLocalMarket(hre);
  const [admin, , keeper] = await hre.ethers.getSigners();
  const book = await deployLocalOptionBook(hre, `bench${legs}`, admin.address);
  const vault = await deployLocalDeltaHedgeVault(
    hre,
    `hedgeBench${legs}`,
    demoHedgePreset(),
    await book.getAddress(),
  );
  // Pin the clock: the in-process network stamps blocks with wall-clock time, so τ (and with it the
  // traded amount, and value-dependent branches such as fullMulDiv's) would drift between runs.
  const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp) + 10n;
  await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(now)]);
  for (let i = 0; i < legs; i++) {
    const strike = 2400n + (1200n * BigInt(i)) / BigInt(Math.max(legs - 1, 1));
    const expiry = now + EXPIRY_DAYS[i % EXPIRY_DAYS.length] * DAY;
    await (await book.addLeg(true, false, strike * WAD, 5n * WAD, expiry)).wait();
  }
  const usdc = market.tokens.USDC;
  const amount = 10_000_000n * 10n ** 6n;
  await (await usdc.mint(admin.address, amount)).wait();
  await (await usdc.approve(await vault.getAddress(), amount)).wait();
  await (await vault.fund(0, amount)).wait();
  await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(now) + 3600]);
  await hre.network.provider.send("evm_mine", []);
  const st = await vault.hedgeStatus();
  if (st.reason !== BigInt(Reason.Due))
    throw new Error(`hedge bench ${legs}: expected Due, got reason ${st.reason}`);
  await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(now) + 3601]);
  const receipt = await (await vault.connect(keeper).rebalance()).wait();
  return { legs, rebalanceGas: receipt!.gasUsed };
}

/** Target (issue 4): marginal gas per option leg of rebalance(), engine share included. */
export const TARGET_GAS_PER_LEG = 1_500;

/** The markdown section bench/results.md carries. */
export function renderHedgeSection(results: HedgeGasResult[]): string[] {
  const fmt = (x: bigint | number) => Math.round(Number(x)).toLocaleString("en-US");
  const first = results[0];
  const last = results[results.length - 1];
  const perLeg = Number(last.rebalanceGas - first.rebalanceGas) / (last.legs - first.legs);
  return [
    "## Delta-hedged vault: `rebalance()` gas per option leg",
    "",
    "gasUsed of `rebalance()` on a DeltaHedgeVault (USDC/WETH, local market) whose OptionBook holds",
    "`legs` short calls (5 ETH each, strikes 2,400–3,600, spread over four expiries: 7, 30, 90, 180",
    "days), holding only USDC so the hedge is far out of band and one WETH buy executes. The book is",
    "read once (SSTORE2 blob, one STATICCALL); σ√τ, the drift and e^{−rτ} are prepared once per expiry.",
    "",
    "| option legs | rebalance() gas |",
    "|---:|---:|",
    ...results.map((r) => `| ${r.legs} | ${fmt(r.rebalanceGas)} |`),
    "",
    `Marginal gas per leg (${first.legs} → ${last.legs} legs, three more expiries included): **${fmt(perLeg)}** ` +
      `(target ≤ ${fmt(TARGET_GAS_PER_LEG)}): ${perLeg <= TARGET_GAS_PER_LEG ? "met" : "NOT met"}.`,
    "",
  ];
}
