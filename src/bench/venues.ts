import { MaxUint256 } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { ITargetWeightVault } from "../../typechain-types";
import { NAMES, TAGS } from "../deployments";
import { loadLocalMarket } from "../market/localMarket";
import type { VenueSpec } from "../vault/localDeploy";
import { DEFAULT_ENGINE_SETTINGS, deployLocalTargetWeightVault } from "../vault/targetWeight";
import { equalWeightPreset, mined } from "./gas";

/** The WETH/USDC venues beyond the 0.05 % pool, deepest first, as the bench adds them. */
export const EXTRA_WETH_VENUES: VenueSpec[] = [
  { kind: "uniswapV3", asset: "WETH", counter: "USDC", fee: 3000 },
  { kind: "uniswapV2", asset: "WETH", counter: "USDC", fee: 3000 },
  { kind: "balancerWeighted", asset: "WETH", counter: "USDC", fee: 1000 },
];

export interface SplitRow {
  /** WETH/USDC venues the vault lists (the 0.05 % pool and the first `venues − 1` extras). */
  venues: number;
  /** Venues the leg actually used (VenueSwap events; one when the vault lists one). */
  used: number;
  /** gasUsed of the rebalance() that executed the leg. */
  gas: bigint;
  /** The leg's execution cost against the oracle, bps of its value: (value in − value out) / value in. */
  costBps: number;
}

export interface SplitBench {
  /** The leg: USDC in, and how far it alone would move the 0.05 % pool (%). */
  amountInUsdc: number;
  poolMovePct: number;
  rows: SplitRow[];
}

/**
 * One USDC -> WETH leg, large enough to move the deepest pool (Uniswap V3 0.05 %) by 1 % on its own,
 * executed by `rebalance()` of 2-asset USDC/WETH vaults that list 1, 2, 3 and 4 WETH venues, each from
 * the same pool state (EVM snapshot). The vaults are identical but for their venue lists and hold
 * only USDC (target 50 / 50, trade cap wide open), so each rebalance is that one buy. Every extra
 * venue is allowed (minSplitGainWad 0): the rows show the gas each one adds.
 */
export async function measureSplit(hre: HardhatRuntimeEnvironment): Promise<SplitBench> {
  await hre.deployments.fixture([TAGS.LocalMarket]);
  const market = await loadLocalMarket(hre);
  const [, , keeper, , alice] = await hre.ethers.getSigners();
  const usdc = market.tokens.USDC;
  const [usdcAddr, wethAddr] = [await usdc.getAddress(), await market.tokens.WETH.getAddress()];
  const pool = await market.pools.WETH.contract.getAddress();
  const v3 = await hre.ethers.getContractAt(
    "IVenueAdapter",
    (await hre.deployments.get(NAMES.adapter("UniswapV3"))).address,
  );
  const q = await v3.quote(pool, usdcAddr, wethAddr);
  // (1 + a'/D)^2 = 1.01 moves a constant-product price by 1 %; a' is the input after the fee. The
  // vault buys half its NAV, grossed up by the pool's fee: a deposit of 2·a' gives that leg.
  const netIn = (q.depthIn * 4_987_562n) / 1_000_000_000n; // D · (√1.01 − 1)
  const deposit = 2n * netIn;

  const vaults: ITargetWeightVault[] = [];
  for (let k = 0; k <= EXTRA_WETH_VENUES.length; k++) {
    const preset = {
      ...equalWeightPreset(2),
      name: `Ballast split bench ${k + 1}`,
      settings: { ...DEFAULT_ENGINE_SETTINGS, maxTradeBps: 10_000 },
      venues: { extra: EXTRA_WETH_VENUES.slice(0, k), minSplitGainWad: 0n },
    };
    const vault = await deployLocalTargetWeightVault(hre, `splitBench${k + 1}`, preset);
    await mined(usdc.mint(alice.address, deposit));
    await mined(usdc.connect(alice).approve(await vault.getAddress(), MaxUint256));
    await mined(vault.connect(alice).deposit(deposit, alice.address));
    vaults.push(vault);
  }

  const price = (await market.feeds.ETH_USD.latestAnswer()) as bigint; // 8 decimals
  const rows: SplitRow[] = [];
  let amountIn = 0n;
  for (const [k, vault] of vaults.entries()) {
    const snapshot = await hre.network.provider.send("evm_snapshot", []);
    const receipt = await mined(vault.connect(keeper).rebalance());
    const events = receipt.logs
      .map((l) => vault.interface.parseLog({ topics: [...l.topics], data: l.data }))
      .filter((e) => e !== null);
    const leg = events.find((e) => e.name === "RebalanceLeg")!;
    amountIn = leg.args.amountIn as bigint;
    // Value out in USDC raw units: WETH raw · price (8 dec) / 1e8 · 1e6 / 1e18.
    const valueOut = ((leg.args.amountOut as bigint) * price) / 10n ** 20n;
    rows.push({
      venues: k + 1,
      used: Math.max(1, events.filter((e) => e.name === "VenueSwap").length),
      gas: receipt.gasUsed,
      costBps: (Number(amountIn - valueOut) / Number(amountIn)) * 10_000,
    });
    await hre.network.provider.send("evm_revert", [snapshot]);
  }
  return { amountInUsdc: Number(amountIn) / 1e6, poolMovePct: 1, rows };
}

/** The bench's section for bench/results.md. */
export function renderSplitSection(b: SplitBench, targetReductionPct: number): string[] {
  const single = b.rows[0];
  const best = b.rows[b.rows.length - 1];
  const reduction = (1 - best.costBps / single.costBps) * 100;
  const perVenue = (best.gas - single.gas) / BigInt(best.used - 1);
  const fmt = (x: bigint) => x.toLocaleString("en-US");
  return [
    "## Venues: one leg split across WETH/USDC venues",
    "",
    `One USDC → WETH leg of ${b.amountInUsdc.toLocaleString("en-US", { maximumFractionDigits: 0 })} USDC, which alone moves the`,
    `deepest pool (Uniswap V3 0.05 %) by ${b.poolMovePct} %, executed by \`rebalance()\` of 2-asset vaults listing 1 to 4 WETH`,
    "venues (the 0.05 % pool, then Uniswap V3 0.3 %, Uniswap V2, Balancer 0.1 %), each from the same pool",
    "state. Cost: (oracle value in − oracle value out) / value in, fees and price impact together. Every",
    "extra venue is allowed (`minSplitGainWad` 0), so the gas column shows what each one adds.",
    "",
    "| venues listed | venues used | execution cost (bps) | rebalance() gas |",
    "|---:|---:|---:|---:|",
    ...b.rows.map((r) => `| ${r.venues} | ${r.used} | ${r.costBps.toFixed(1)} | ${fmt(r.gas)} |`),
    "",
    `Split across ${best.used} venues: **${best.costBps.toFixed(1)} bps** against **${single.costBps.toFixed(1)} bps** on the best single venue, ` +
      `**${reduction.toFixed(1)} % lower** (target ≥ ${targetReductionPct} %): ${reduction >= targetReductionPct ? "met" : "NOT met"}.`,
    `Gas per extra venue used: **${fmt(perVenue)}** (a venue's quote read and its swap).`,
  ];
}
