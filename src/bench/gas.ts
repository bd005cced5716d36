import { MaxUint256, parseUnits, type TransactionReceipt, type TransactionResponse } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { ITargetWeightVault } from "../../typechain-types";
import { TAGS } from "../deployments";
import { deployExtraAssets, loadLocalMarket, movePrices, type LocalMarket } from "../market/localMarket";
import { localToken } from "../market/spec";
import { Reason } from "../vault/enums";
import { gasBreakdown } from "./trace";
import {
  DEFAULT_ENGINE_SETTINGS,
  demoVaultPreset,
  deployLocalTargetWeightVault,
  type TargetWeightPreset,
} from "../vault/targetWeight";

/**
 * Gas scenarios shared by the committed gas snapshot (test/gas.spec.ts) and the benchmark
 * (scripts/bench.ts): the same code measures both, so they cannot disagree.
 */

/** Assets of the N-asset vaults, quote first. */
export const BENCH_SYMBOLS = ["USDC", "WETH", "WBTC", "XLINK", "XUNI", "XEUR", "XCBB", "XAAVE"];

/** Price moves applied before the measured rebalance: every non-quote asset drifts, so each trades. */
const MOVES = [1, 1.3, 0.8, 1.25, 0.75, 1.2, 0.85, 1.3];

/** Intrinsic gas of a transaction: 21,000 plus calldata (16 per non-zero byte, 4 per zero byte). */
export function intrinsicGas(data: string): bigint {
  const bytes = Buffer.from(data.slice(2), "hex");
  let gas = 21_000n;
  for (const b of bytes) gas += b === 0 ? 4n : 16n;
  return gas;
}

export async function mined(tx: Promise<TransactionResponse>): Promise<TransactionReceipt> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("transaction dropped");
  return receipt;
}

/** An equal-weight preset over the first `n` bench assets, ±2% absolute bands. */
export function equalWeightPreset(n: number): TargetWeightPreset {
  const each = Math.floor(10_000 / n);
  return {
    ...demoVaultPreset(),
    name: `Ballast bench ${n}`,
    symbol: `bB${n}`,
    assets: BENCH_SYMBOLS.slice(0, n).map((symbol, i) => ({
      symbol,
      targetBps: i === 0 ? 10_000 - each * (n - 1) : each,
      absBandBps: 200,
      relBandBps: 0,
      maxStalenessSeconds: 86_400,
    })),
  };
}

export interface DriftedVault {
  vault: ITargetWeightVault;
  market: LocalMarket;
}

async function increaseTime(hre: HardhatRuntimeEnvironment, seconds: number): Promise<void> {
  await hre.network.provider.send("evm_increaseTime", [seconds]);
  await hre.network.provider.send("evm_mine", []);
}

/** Re-publishes every feed (optionally scaled) and arbitrages the pools to it. */
async function refresh(
  hre: HardhatRuntimeEnvironment,
  market: LocalMarket,
  symbols: string[],
  scale: number[],
) {
  const [, , , arbitrageur] = await hre.ethers.getSigners();
  const prices: Record<string, string> = {};
  for (const [i, s] of symbols.entries()) {
    const answer = Number(await market.feeds[localToken(s).feed].latestAnswer()) / 1e8;
    prices[s] = (answer * (scale[i] ?? 1)).toFixed(8);
  }
  await movePrices(market, prices, arbitrageur);
}

/**
 * An N-asset vault holding 1M USDC of deposits, rebalanced to target, then every asset's price
 * moved so the next rebalance has one leg per non-quote asset. The keeper already holds USDC (its
 * first reward), so the measured reward transfer is a warm one, as in steady operation.
 */
export async function driftedVault(hre: HardhatRuntimeEnvironment, n: number): Promise<DriftedVault> {
  await hre.deployments.fixture([TAGS.LocalMarket]);
  if (n > 3) await deployExtraAssets(hre);
  const market = await loadLocalMarket(hre);
  const [, , keeper, , alice] = await hre.ethers.getSigners();
  // One unchunked first rebalance: deployed with the trade cap wide open (raising it later would
  // have to wait for the change delay).
  const preset = { ...equalWeightPreset(n), settings: { ...DEFAULT_ENGINE_SETTINGS, maxTradeBps: 10_000 } };
  const vault = await deployLocalTargetWeightVault(hre, `bench${n}`, preset);
  const usdc = market.tokens.USDC;
  const amount = parseUnits("1000000", 6);
  await mined(usdc.mint(alice.address, amount));
  await mined(usdc.connect(alice).approve(await vault.getAddress(), MaxUint256));
  await mined(vault.connect(alice).deposit(amount, alice.address));
  await mined(vault.connect(keeper).rebalance());
  const symbols = BENCH_SYMBOLS.slice(0, n);
  await increaseTime(hre, 7200);
  await refresh(hre, market, symbols, MOVES);
  const st = await vault.rebalanceStatus();
  if (st.reason !== BigInt(Reason.Due) || st.legs.length !== n - 1) {
    throw new Error(
      `bench vault ${n}: expected ${n - 1} legs due, got reason ${st.reason}, ${st.legs.length} legs`,
    );
  }
  return { vault, market };
}

/** Breakdown rows: the keeper reward transfer, and the rows the router's calls have no counterpart of. */
export const REWARD_ROW = "keeper reward transfer";
export const FEED_ROW = "Chainlink feed reads";
export const MODULE_ROW = "calls into the venue module (DELEGATECALL, calldata)";
export const ROUTER_SELF_ROW = "the router's multicall into itself (DELEGATECALL)";

export interface OverheadResult {
  assets: number;
  legs: number;
  /**
   * gasUsed of rebalance() on the fresh local pools, where a swap writes a pool's fee-growth slot for
   * the first time (zero to non-zero, +17,100 per leg whose direction has never traded there).
   */
  rebalanceGas: bigint;
  /** gasUsed of the same rebalance() once every pool has traded both ways: a mature pool's figure. */
  steadyRebalanceGas: bigint;
  /** gasUsed of one SwapRouter.multicall carrying the same exactInputSingle swaps, from an EOA. */
  routerGas: bigint;
  /** The router multicall's gasUsed on the warmed pools. */
  steadyRouterGas: bigint;
  /** Execution gas (gasUsed less intrinsic) of rebalance() minus that of the router multicall. */
  overhead: bigint;
  /** The same on the warmed pools (both pay the same pool writes, so it should equal `overhead`). */
  steadyOverhead: bigint;
  /** Where rebalance()'s gas goes (see gasBreakdown). */
  breakdown: Record<string, number>;
  /** Where the router multicall's execution gas goes, in the same rows (first touch). */
  routerBreakdown: Record<string, number>;
  /** Execution gas of the router multicall (first touch): what the overhead is measured against. */
  routerExecution: bigint;
}

/**
 * Engine overhead of `rebalance()`: its execution gas minus the execution gas of the same swaps
 * (same amounts, same pool state) sent straight to the router in one multicall by an EOA that, like
 * the vault, already holds every token and has approved the router. Intrinsic gas (21k + calldata)
 * is taken out of both so the comparison is of work done, not of calldata size.
 */
export async function measureOverhead(hre: HardhatRuntimeEnvironment, n: number): Promise<OverheadResult> {
  const { vault, market } = await driftedVault(hre, n);
  const [, , keeper, , , , , swapper] = await hre.ethers.getSigners();
  // The EOA gets every token (non-zero balances, like the vault) and router approvals up front.
  const router = await market.router.getAddress();
  for (const s of BENCH_SYMBOLS.slice(0, n)) {
    const t = market.tokens[s];
    await mined(t.mint(swapper.address, 10n ** BigInt(localToken(s).decimals + 9)));
    await mined(t.connect(swapper).approve(router, MaxUint256));
  }
  const snapshot = await hre.network.provider.send("evm_snapshot", []);
  const tx = await vault.connect(keeper).rebalance();
  const receipt = await mined(Promise.resolve(tx));
  const legs = receipt.logs
    .map((l) => {
      try {
        return vault.interface.parseLog({ topics: [...l.topics], data: l.data });
      } catch {
        return null;
      }
    })
    .filter((p) => p?.name === "RebalanceLeg")
    .map((p) => p!.args);
  const labels: Record<string, string> = {};
  for (const s of BENCH_SYMBOLS.slice(0, n)) {
    labels[await market.feeds[localToken(s).feed].getAddress()] = FEED_ROW;
    labels[await market.tokens[s].getAddress()] = "token balance reads";
    if (market.pools[s]) {
      const pool = await market.pools[s].contract.getAddress();
      labels[`staticcall:${pool}`] = "pool state reads (slot0, liquidity, fee)";
      labels[`call:${pool}`] = "swaps (pools, callback payments)";
    }
  }
  // The vault's own CALLs to a token are the keeper reward alone (quote asset): it pays the pools
  // inside their swap callbacks, which count in the swap rows, and reads balances by STATICCALL.
  labels[`call:${await market.tokens.USDC.getAddress()}`] = REWARD_ROW;
  const breakdown = await gasBreakdown(hre, receipt.hash, labels, {
    [market.venueModule!]: MODULE_ROW,
  });
  await hre.network.provider.send("evm_revert", [snapshot]);

  const quote = await market.tokens.USDC.getAddress();
  const calls: string[] = [];
  for (const leg of legs) {
    const cfg = await vault.assetConfig(leg.asset);
    const [tokenIn, tokenOut] = leg.isSell ? [cfg.token, quote] : [quote, cfg.token];
    calls.push(
      market.router.interface.encodeFunctionData("exactInputSingle", [
        {
          tokenIn,
          tokenOut,
          fee: cfg.poolFee,
          recipient: swapper.address,
          deadline: 2n ** 40n,
          amountIn: leg.amountIn,
          amountOutMinimum: leg.minAmountOut,
          sqrtPriceLimitX96: 0,
        },
      ]),
    );
  }
  const routerExecution = async () => {
    const direct = await mined(market.router.connect(swapper).getFunction("multicall")(calls));
    const directTx = await hre.ethers.provider.getTransaction(direct.hash);
    return {
      hash: direct.hash,
      gasUsed: direct.gasUsed,
      execution: direct.gasUsed - intrinsicGas(directTx!.data),
    };
  };
  const beforeRouter = await hre.network.provider.send("evm_snapshot", []);
  const direct = await routerExecution();
  const overhead = receipt.gasUsed - intrinsicGas(tx.data) - direct.execution;
  // The router's multicall DELEGATECALLs into itself: its own ops count as its computation.
  const routerBreakdown = await gasBreakdown(hre, direct.hash, labels, { [router]: ROUTER_SELF_ROW });
  await hre.network.provider.send("evm_revert", [beforeRouter]);

  // Steady state: every pool has traded both ways (a tiny swap each way, 1e-4 of a token), so no
  // fee-growth slot is written for the first time; then the same rebalance and the same router calls.
  for (const s of BENCH_SYMBOLS.slice(1, n)) {
    const [asset, decimals] = [await market.tokens[s].getAddress(), localToken(s).decimals];
    const fee = (await vault.assetConfig(BENCH_SYMBOLS.indexOf(s))).poolFee;
    for (const [tokenIn, tokenOut, unit] of [
      [asset, quote, decimals],
      [quote, asset, localToken("USDC").decimals],
    ] as const) {
      await mined(
        market.router.connect(swapper).getFunction("exactInputSingle")({
          tokenIn,
          tokenOut,
          fee,
          recipient: swapper.address,
          deadline: 2n ** 40n,
          amountIn: 10n ** BigInt(Math.max(unit - 4, 0)),
          amountOutMinimum: 0,
          sqrtPriceLimitX96: 0,
        }),
      );
    }
  }
  const warmed = await hre.network.provider.send("evm_snapshot", []);
  const steadyTx = await vault.connect(keeper).rebalance();
  const steady = await mined(Promise.resolve(steadyTx));
  await hre.network.provider.send("evm_revert", [warmed]);
  const steadyDirect = await routerExecution();
  return {
    assets: n,
    legs: legs.length,
    rebalanceGas: receipt.gasUsed,
    steadyRebalanceGas: steady.gasUsed,
    routerGas: direct.gasUsed,
    steadyRouterGas: steadyDirect.gasUsed,
    overhead,
    steadyOverhead: steady.gasUsed - intrinsicGas(steadyTx.data) - steadyDirect.execution,
    breakdown,
    routerBreakdown,
    routerExecution: direct.execution,
  };
}

/** Gas of the user paths on the demo vault, after its first rebalance. */
export async function measureUserPaths(hre: HardhatRuntimeEnvironment): Promise<Record<string, bigint>> {
  const { vault, market } = await driftedVault(hre, 3);
  const [, , , , alice, bob] = await hre.ethers.getSigners();
  const usdc = market.tokens.USDC;
  const amount = parseUnits("10000", 6);
  await mined(usdc.mint(bob.address, amount));
  await mined(usdc.connect(bob).approve(await vault.getAddress(), MaxUint256));
  const shares = (await vault.balanceOf(alice.address)) / 100n;
  return {
    "deposit (new holder, 3 assets)": (await mined(vault.connect(bob).deposit(amount, bob.address))).gasUsed,
    "redeem in quote (3 assets)": (
      await mined(vault.connect(alice).redeem(shares, alice.address, alice.address))
    ).gasUsed,
    "redeemInKind (3 assets)": (
      await mined(vault.connect(alice).redeemInKind(shares, alice.address, alice.address))
    ).gasUsed,
  };
}

/**
 * The 2-asset overhead row by row against the router multicall's own breakdown, and what the
 * features DESIGN §3.3 requires (rows the router has no counterpart of) leave of the target.
 */
export function renderOverheadFloor(r: OverheadResult, target: number): string[] {
  const fmt = (x: number) => x.toLocaleString("en-US");
  const at = (b: Record<string, number>, k: string) => b[k] ?? 0;
  const keys = [...new Set([...Object.keys(r.breakdown), ...Object.keys(r.routerBreakdown)])].sort();
  const sum = (b: Record<string, number>) => Object.values(b).reduce((a, x) => a + x, 0);
  const required = [FEED_ROW, REWARD_ROW, "events", "storage (SSTORE)", MODULE_ROW];
  const requiredGas = required.reduce((a, k) => a + at(r.breakdown, k), 0);
  const left = target - requiredGas;
  const config = at(r.breakdown, "storage (SLOAD)");
  const logic = at(r.breakdown, "computation and memory");
  const routerCode = sum(r.routerBreakdown) - at(r.routerBreakdown, "swaps (pools, callback payments)");
  // The engine's first pool and token reads take cold accesses the router's swaps pay themselves.
  const reads =
    at(r.breakdown, "token balance reads") +
    at(r.breakdown, "pool state reads (slot0, liquidity, fee)") +
    at(r.breakdown, "swaps (pools, callback payments)") -
    at(r.routerBreakdown, "swaps (pools, callback payments)");
  return [
    `### ${r.assets} assets: \`rebalance()\` against the router, row by row`,
    "",
    "The router multicall traced into the same rows (its own code is its computation). The",
    "difference column adds up to the engine overhead.",
    "",
    "| where | rebalance() | router multicall | difference |",
    "|---|---:|---:|---:|",
    ...keys.map(
      (k) =>
        `| ${k} | ${fmt(at(r.breakdown, k))} | ${fmt(at(r.routerBreakdown, k))} | ` +
        `${fmt(at(r.breakdown, k) - at(r.routerBreakdown, k))} |`,
    ),
    `| **execution gas** | ${fmt(sum(r.breakdown))} | ${fmt(sum(r.routerBreakdown))} | ` +
      `**${fmt(sum(r.breakdown) - sum(r.routerBreakdown))}** |`,
    "",
    "Rows the design requires and the router has no counterpart of: the oracle reads (DESIGN §6 counts",
    "them in), the keeper reward and the events (§3.3), the breaker's and cooldown's state write",
    "(§3.3–3.4) and the call into the venue module that keeps the core under EIP-170 (SPEC §11).",
    `Together **${fmt(requiredGas)}** gas, which leaves ${fmt(left)} of the ${fmt(target)} target for ` +
      `everything else: the configuration reads (${fmt(config)} today), the pool and balance reads net ` +
      `of the cold accesses they take off the swaps (${fmt(reads)}), and the engine's logic ` +
      `(${fmt(logic)}) less the router's own code (${fmt(routerCode)}). So the target needs the ` +
      `engine's configuration reads and all of its logic (valuation before and after, the trigger ` +
      `predicate, the pool gate, the plan, the post-condition, the breaker and the reward sizing) in ` +
      `**${fmt(left + routerCode - reads)}** gas; today they take **${fmt(config + logic)}**. On mainnet's ` +
      "two-hop feeds (next section) the required part grows by the proxy hops.",
    "",
  ];
}
