import {
  Interface,
  formatEther,
  formatUnits,
  parseEther,
  type Signer,
  type TransactionReceipt,
} from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { UserError } from "../config/env";
import { type ReasonName } from "../vault/enums";
import { classifySendError, eip1559Fees } from "./decision";
import { formatPlan } from "./plan";
import { sendLean, waitForReceipt } from "./send";
import { sleep } from "../cli/sleep";
import { formatDuration } from "../cli/args";
import { POLL, type VaultStatusReport, revertContext, vaultStatus, vaultStatuses } from "./status";
import { revertText } from "../vault/explain";
import { kindInterface } from "../vault/kind";
import { assertCanPay } from "./funds";
import { formatEth, formatGwei, formatInt, formatToken } from "../format/units";

/**
 * One rebalance of one vault, as `npx hardhat rebalance` runs it: read the trigger, print the plan,
 * check the gas price, simulate, send, and report the outcome with the state before and after.
 */

/** Reasons that mean "a rebalance may be needed but cannot happen now": an operator must look. */
const BLOCKED: readonly ReasonName[] = [
  "Paused",
  "SequencerDown",
  "OracleStale",
  "OracleInvalidAnswer",
  "CircuitBreaker",
  "PoolPriceDeviation",
  "VolatilityUnhealthy",
  "BookUnreadable",
];

/** True when the trigger's reason is a fault or a stop rather than "nothing to do yet". */
export const isBlocked = (reason: ReasonName): boolean => BLOCKED.includes(reason);

export interface RebalanceOptions {
  dryRun: boolean;
  /** Ceiling on the base fee (wei); undefined = none. */
  maxGasPriceWei?: bigint;
  /** Above the ceiling: skip this run, or wait up to `waitTimeoutSeconds` for the fee to fall. */
  gasMode: "skip" | "wait";
  waitTimeoutSeconds: number;
  log: (line: string) => void;
}

export type RebalanceOutcome =
  "idle" | "blocked" | "skipped" | "dry-run" | "rebalanced" | "ripcorded" | "raced";

export interface RebalanceResult {
  name: string;
  address: string;
  outcome: RebalanceOutcome;
  /** Why, in words (the trigger's reason, the gas rule, or who rebalanced first). */
  why: string;
  txHash?: string;
  gasUsed?: bigint;
  feeEth?: string;
  rewardQuote?: number;
  before: VaultStatusReport;
  after?: VaultStatusReport;
}

/** The latest block's base fee (0 on chains without one). */
export async function baseFee(hre: HardhatRuntimeEnvironment): Promise<bigint> {
  const block = await hre.ethers.provider.getBlock("latest");
  return block?.baseFeePerGas ?? 0n;
}

/** The tip the node suggests (eth_maxPriorityFeePerGas, one request), or 1 gwei if it has none. */
export async function suggestedTip(hre: HardhatRuntimeEnvironment): Promise<bigint> {
  try {
    return BigInt((await hre.ethers.provider.send("eth_maxPriorityFeePerGas", [])) as string);
  } catch (e) {
    if (classifySendError(e) === "retry") throw e; // the node is unreachable, not method-less
    return 1_000_000_000n;
  }
}

let engine: Interface | null = null;

/**
 * The engine's merged ABI (both kinds answer it), for decoding reverts; read from the artifact when
 * first needed. (Not a module-level import of typechain-types: tasks load this module with the
 * Hardhat config, before anything is compiled on a fresh clone.)
 */
export function engineInterface(hre: HardhatRuntimeEnvironment): Interface {
  engine ??= new Interface(hre.artifacts.readArtifactSync("IRebalanceEngine").abi);
  return engine;
}

/** rebalance() calldata. */
export const REBALANCE_DATA = new Interface(["function rebalance() returns (uint256)"]).encodeFunctionData(
  "rebalance",
);

/** ripcord() calldata (leverage vaults). */
export const RIPCORD_DATA = new Interface(["function ripcord() returns (uint256)"]).encodeFunctionData(
  "ripcord",
);

/**
 * The call a due vault is sent: `rebalance()`, or `ripcord()` for a leverage vault at or above its
 * ripcord bound (anyone may pull it; it runs while paused and ignores the cooldown and the breaker,
 * so it comes first). Its lens simulation, the event that carries its reward, and the ABI that
 * decodes its reverts.
 */
export interface DueCall {
  what: "rebalance" | "ripcord";
  data: string;
  simulation: VaultStatusReport["plan"]["simulation"];
  event: "Rebalanced" | "Ripcorded";
  iface: Interface;
}

/** The call to send to a vault in the state `st`, or null when neither is due. */
export function dueCall(hre: HardhatRuntimeEnvironment, st: VaultStatusReport): DueCall | null {
  if (st.leverage?.ripcordDue) {
    return {
      what: "ripcord",
      data: RIPCORD_DATA,
      simulation: st.leverage.ripcordSimulation,
      event: "Ripcorded",
      iface: kindInterface(hre, "leverage"),
    };
  }
  if (st.reason !== "Due") return null;
  return {
    what: "rebalance",
    data: REBALANCE_DATA,
    simulation: st.plan.simulation,
    event: "Rebalanced",
    iface: st.kind === "leverage" ? kindInterface(hre, "leverage") : engineInterface(hre),
  };
}

/** The outcome of estimating rebalance() as the keeper: its gas and limit, or the error. */
export type GasEstimate =
  { ok: true; gas: bigint; gasLimit: bigint } | { ok: false; error: unknown; raced: boolean };

/**
 * Estimates rebalance()'s gas (or the call `data`'s: the ripcord's) as `from` would send it to `vault`
 * (one eth_estimateGas, which also simulates it, now); `raced` when it is no longer due. The limit is
 * the estimate plus 20 %. Shared by the one-shot rebalance and the keeper loop.
 */
export async function estimateRebalanceGas(
  hre: HardhatRuntimeEnvironment,
  from: string,
  vault: string,
  data: string = REBALANCE_DATA,
): Promise<GasEstimate> {
  try {
    const gas = await hre.ethers.provider.estimateGas({ from, to: vault, data });
    return { ok: true, gas, gasLimit: (gas * 12n) / 10n };
  } catch (error) {
    return { ok: false, error, raced: classifySendError(error) === "already-done" };
  }
}

/** Weights or net delta before and after, one line per asset or one for the hedge. */
export function formatChange(before: VaultStatusReport, after: VaultStatusReport): string[] {
  if (before.hedge && after.hedge) {
    const b = before.hedge;
    const a = after.hedge;
    return [
      `  net Δ ${b.netDelta.toFixed(4)} → ${a.netDelta.toFixed(4)} (target ${a.targetDelta.toFixed(4)} ± ${a.halfWidth.toFixed(4)}); ` +
        `holding ${b.underlying.toFixed(4)} → ${a.underlying.toFixed(4)}`,
    ];
  }
  const pct = (x: number | undefined) => (x === undefined ? "-" : `${(x * 100).toFixed(2)}%`);
  if (before.leverage && after.leverage) {
    const b = before.leverage;
    const a = after.leverage;
    const health = (h: number | null) => (h === null ? "∞" : h.toFixed(3));
    return [
      `  leverage ${b.leverage.toFixed(3)}× → ${a.leverage.toFixed(3)}× (target ${a.target.toFixed(3)}×, band ${a.min.toFixed(3)}× … ${a.max.toFixed(3)}×); ` +
        `LTV ${pct(b.loanToValue)} → ${pct(a.loanToValue)}; health ${health(b.health)} → ${health(a.health)}`,
    ];
  }
  return before.assets.map(
    (asset, i) =>
      `  ${asset.symbol.padEnd(6)} ${pct(asset.weight)} → ${pct(after.assets[i]?.weight)} (target ${pct(asset.target)})`,
  );
}

/**
 * Waits while the base fee is above the cap; `fee` is the base fee the status was read at. Returns
 * whether to go ahead and the base fee to price the transaction at.
 */
async function gasGate(
  hre: HardhatRuntimeEnvironment,
  opts: RebalanceOptions,
  name: string,
  fee: bigint,
): Promise<{ ok: boolean; why: string; fee: bigint }> {
  if (opts.maxGasPriceWei === undefined) return { ok: true, why: "", fee };
  const cap = opts.maxGasPriceWei;
  if (fee <= cap) return { ok: true, why: "", fee };
  if (opts.gasMode === "skip") {
    return {
      ok: false,
      why: `base fee ${formatGwei(fee)} is above --max-gas-price ${formatGwei(cap)}; skipped (pass --gas-mode wait to wait instead)`,
      fee,
    };
  }
  opts.log(
    `${name}: base fee ${formatGwei(fee)} is above --max-gas-price ${formatGwei(cap)}; waiting up to ${formatDuration(opts.waitTimeoutSeconds)} for it to fall`,
  );
  const deadline = Date.now() + opts.waitTimeoutSeconds * 1000;
  while (Date.now() < deadline) {
    await sleep(Math.min(5, opts.waitTimeoutSeconds / 4) * 1000); // at least four looks per wait
    fee = await baseFee(hre);
    if (fee <= cap) {
      opts.log(`${name}: base fee ${formatGwei(fee)} is now at or below the cap; going ahead`);
      return { ok: true, why: "", fee };
    }
  }
  throw new UserError(
    `${name}: base fee still ${formatGwei(fee)} after waiting ${formatDuration(opts.waitTimeoutSeconds)}, above --max-gas-price ${formatGwei(cap)}; nothing sent. ` +
      `Retry later or raise the cap.`,
  );
}

/** The reward `event` (Rebalanced or Ripcorded) carries, in quote units, from a receipt. */
function rewardFrom(
  receipt: TransactionReceipt,
  iface: Interface,
  quoteDecimals: number,
  event: DueCall["event"],
): number | undefined {
  for (const l of receipt.logs) {
    try {
      const parsed = iface.parseLog({ topics: [...l.topics], data: l.data });
      if (parsed?.name === event) return Number(formatUnits(parsed.args.reward, quoteDecimals));
    } catch {
      // another contract's event
    }
  }
  return undefined;
}

/**
 * Rebalances one vault if its trigger says so. Never throws for "nothing to do", "blocked" or "someone
 * else was first"; throws a UserError for the caller's mistakes (no funds, gas wait timed out) and
 * for a simulation that fails for any reason other than the rebalance no longer being due.
 *
 * JSON-RPC requests, sending and confirming: one lens call (status, plan, simulated reward and the
 * keeper's balance), the latest block (base fee), eth_estimateGas, eth_maxPriorityFeePerGas, the send
 * (with a nonce lookup when a local key signs), the receipt, and one lens call for the state after.
 */
export async function rebalanceOnce(
  hre: HardhatRuntimeEnvironment,
  vault: { name: string; address: string },
  signer: Signer,
  opts: RebalanceOptions,
): Promise<RebalanceResult> {
  const { log } = opts;
  const keeper = await signer.getAddress();
  const read = await vaultStatuses(hre, [vault], { ...POLL, keeper });
  const before = read.reports[0];
  const base = { name: vault.name, address: vault.address, before };
  const call = dueCall(hre, before);
  if (!call) {
    const outcome = isBlocked(before.reason) ? "blocked" : "idle";
    return { ...base, outcome, why: before.reasonText };
  }

  const { plan } = before;
  if (call.what === "ripcord") {
    const l = before.leverage!;
    log(
      `${vault.name}: leverage ${l.leverage.toFixed(3)}× is at or above its ripcord bound ${l.ripcord.toFixed(3)}×: ` +
        `pulling the ripcord (it sells toward the target and repays; the trigger says ${before.reason})`,
    );
  } else {
    log(`${vault.name}: a rebalance is due (deviation ${before.urgency.toFixed(2)}× band)`);
    for (const line of formatPlan(plan)) log(line);
  }

  const gate = await gasGate(hre, opts, vault.name, await baseFee(hre));
  if (!gate.ok) return { ...base, outcome: "skipped", why: gate.why };

  const { iface } = call;
  if (!call.simulation.ok) {
    const why = revertText(iface, { data: call.simulation.revertData }, revertContext(before));
    throw new UserError(`${vault.name}: the ${call.what} simulation reverted with ${why}; nothing sent.`);
  }
  const sim = await estimateRebalanceGas(hre, keeper, vault.address, call.data);
  if (!sim.ok) {
    const why = revertText(iface, sim.error, revertContext(before));
    if (sim.raced) return { ...base, outcome: "raced", why: `no longer due at simulation: ${why}` };
    throw new UserError(`${vault.name}: the ${call.what} simulation reverted with ${why}; nothing sent.`);
  }
  log(
    `  simulation ok: reward ${formatUnits(call.simulation.rewardUnits, plan.quote.decimals)} ${plan.quote.symbol}, gas ≈ ${formatInt(sim.gas)}`,
  );
  if (opts.dryRun) return { ...base, outcome: "dry-run", why: "dry run: simulated, not sent" };

  const { gasLimit } = sim;
  const fees = eip1559Fees(gate.fee, await suggestedTip(hre));
  assertCanPay(hre, keeper, read.keeperBalanceWei, gasLimit, fees.maxFeePerGas);
  let hash: string;
  try {
    hash = await sendLean(hre, signer, {
      to: vault.address,
      data: call.data,
      gasLimit,
      ...fees,
    });
  } catch (e) {
    // Some nodes (Hardhat's among them) mine at once and answer the send with the revert.
    if (classifySendError(e) === "already-done") {
      return {
        ...base,
        outcome: "raced",
        why: `another transaction ${call.what === "ripcord" ? "pulled the ripcord" : "rebalanced"} first; ours was refused: ${revertText(iface, e, revertContext(before))}`,
      };
    }
    throw new UserError(
      `${vault.name}: sending failed: ${revertText(iface, e, revertContext(before))}. Check \`npx hardhat status\` before retrying.`,
    );
  }
  log(`  sent ${hash}`);
  const receipt = await waitForReceipt(hre, hash);
  if (!receipt) {
    throw new UserError(
      `${vault.name}: transaction ${hash} is not mined after 10 minutes; it may still be. Check it before sending again.`,
    );
  }
  if (receipt.status !== 1) {
    const now = await vaultStatus(hre, vault, POLL);
    if (dueCall(hre, now)?.what !== call.what) {
      return {
        ...base,
        outcome: "raced",
        why: `another transaction ${call.what === "ripcord" ? "pulled the ripcord" : "rebalanced"} first; ours reverted harmlessly (${now.reasonText})`,
        txHash: hash,
        gasUsed: receipt.gasUsed,
        feeEth: formatEther(receipt.gasUsed * receipt.gasPrice),
        after: now,
      };
    }
    throw new UserError(`${vault.name}: transaction ${hash} reverted while the ${call.what} is still due.`);
  }
  const after = await vaultStatus(hre, vault, POLL);
  const outcome = call.what === "ripcord" ? "ripcorded" : "rebalanced";
  return {
    ...base,
    outcome,
    why: outcome,
    txHash: hash,
    gasUsed: receipt.gasUsed,
    feeEth: formatEther(receipt.gasUsed * receipt.gasPrice),
    rewardQuote: rewardFrom(receipt, iface, plan.quote.decimals, call.event),
    after,
  };
}

/** The outcome as the task prints it after the plan. */
export function formatResult(r: RebalanceResult): string[] {
  switch (r.outcome) {
    case "idle":
      return [`${r.name}: nothing to do: ${r.why}`];
    case "blocked":
      return [`${r.name}: cannot rebalance: ${r.why}`];
    case "skipped":
      return [`${r.name}: ${r.why}`];
    case "dry-run":
      return [`${r.name}: ${r.why}`];
    case "raced":
      return [
        `${r.name}: already rebalanced by someone else: ${r.why}` +
          (r.txHash ? ` (tx ${r.txHash}, gas ${formatInt(r.gasUsed ?? 0n)})` : ""),
      ];
    case "rebalanced":
    case "ripcorded":
      return [
        `${r.name}: ${r.outcome === "ripcorded" ? "ripcord pulled" : "rebalanced"} in ${r.txHash}: gas ${formatInt(r.gasUsed ?? 0n)} (${formatEth(parseEther(r.feeEth ?? "0"))}), ` +
          `reward ${formatToken(r.rewardQuote ?? 0, r.before.plan.quote.symbol, r.before.plan.quote.decimals)}`,
        ...formatChange(r.before, r.after!),
      ];
  }
}
