import {
  type Interface,
  decodeBytes32String,
  formatEther,
  formatUnits,
  type Signer,
  type TransactionReceipt,
} from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { UserError } from "../config/env";
import { type ReasonName, reasonName } from "../vault/enums";
import { assertCanPay } from "./connect";
import { classifySendError, describeReason } from "./decision";
import { formatPlan, readPlan } from "./plan";
import { POLL, type VaultStatusReport, vaultStatus } from "./status";

import { tokenMeta } from "./tokens";

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
  pollSeconds: number;
  log: (line: string) => void;
}

export type RebalanceOutcome = "idle" | "blocked" | "skipped" | "dry-run" | "rebalanced" | "raced";

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

const gwei = (wei: bigint) => `${Number(formatUnits(wei, "gwei")).toFixed(2)} gwei`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The latest block's base fee (0 on chains without one). */
export async function baseFee(hre: HardhatRuntimeEnvironment): Promise<bigint> {
  const block = await hre.ethers.provider.getBlock("latest");
  return block?.baseFeePerGas ?? 0n;
}

/** EIP-1559 fees for a send now: twice the base fee plus the node's suggested tip. */
export async function sendFees(
  hre: HardhatRuntimeEnvironment,
): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
  const fee = await baseFee(hre);
  const data = await hre.ethers.provider.getFeeData();
  const tip = data.maxPriorityFeePerGas ?? 1_000_000_000n;
  return { maxFeePerGas: 2n * fee + tip, maxPriorityFeePerGas: tip };
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
  return before.assets.map(
    (asset, i) =>
      `  ${asset.symbol.padEnd(6)} ${pct(asset.weight)} → ${pct(after.assets[i]?.weight)} (target ${pct(asset.target)})`,
  );
}

/** A revert argument as text; bytes32 names (OutOfBounds' parameter) as their string. */
function argText(a: unknown): string {
  if (typeof a === "string" && /^0x[0-9a-f]{64}$/i.test(a)) {
    try {
      return decodeBytes32String(a);
    } catch {
      return a;
    }
  }
  return String(a);
}

/**
 * A revert in words: the custom error decoded with the vault's ABI (from the revert data, or from
 * the node's message when it gives only that), and a RebalanceNotDue's reason described.
 */
export function revertText(iface: Interface, error: unknown): string {
  const e = error as { data?: unknown; shortMessage?: string; message?: string; error?: { data?: unknown } };
  for (const data of [e?.data, e?.error?.data]) {
    if (typeof data !== "string" || !data.startsWith("0x")) continue;
    const parsed = iface.parseError(data);
    if (!parsed) continue;
    if (parsed.name === "RebalanceNotDue") {
      const reason = reasonName(parsed.args[0] as bigint);
      return `RebalanceNotDue(${reason}): ${describeReason(reason, parsed.args[1] as bigint)}`;
    }
    return `${parsed.name}(${parsed.args.map(argText).join(", ")})`;
  }
  const text = e?.shortMessage ?? e?.message ?? String(error);
  const custom = /custom error '(\w+)\(([^)]*)\)'/.exec(text);
  if (custom?.[1] === "RebalanceNotDue") {
    const [code, detail] = custom[2].split(",").map((x) => BigInt(x.trim()));
    const reason = reasonName(code);
    return `RebalanceNotDue(${reason}): ${describeReason(reason, detail)}`;
  }
  return custom ? `${custom[1]}(${custom[2]})` : text.split("\n")[0];
}

/** Waits while the base fee is above the cap; returns the fee it saw last and whether it is below now. */
async function gasGate(
  hre: HardhatRuntimeEnvironment,
  opts: RebalanceOptions,
  name: string,
): Promise<{ ok: boolean; why: string }> {
  if (opts.maxGasPriceWei === undefined) return { ok: true, why: "" };
  const cap = opts.maxGasPriceWei;
  let fee = await baseFee(hre);
  if (fee <= cap) return { ok: true, why: "" };
  if (opts.gasMode === "skip") {
    return {
      ok: false,
      why: `base fee ${gwei(fee)} is above --max-gas-price ${gwei(cap)}; skipped (pass --gas-mode wait to wait instead)`,
    };
  }
  opts.log(
    `${name}: base fee ${gwei(fee)} is above --max-gas-price ${gwei(cap)}; waiting up to ${opts.waitTimeoutSeconds}s for it to fall`,
  );
  const deadline = Date.now() + opts.waitTimeoutSeconds * 1000;
  while (Date.now() < deadline) {
    await sleep(opts.pollSeconds * 1000);
    fee = await baseFee(hre);
    if (fee <= cap) {
      opts.log(`${name}: base fee ${gwei(fee)} is now at or below the cap; going ahead`);
      return { ok: true, why: "" };
    }
  }
  throw new UserError(
    `${name}: base fee still ${gwei(fee)} after waiting ${opts.waitTimeoutSeconds}s, above --max-gas-price ${gwei(cap)}; nothing sent. ` +
      `Retry later or raise the cap.`,
  );
}

/** The Rebalanced event's reward, in quote units, from a receipt. */
function rewardFrom(
  receipt: TransactionReceipt,
  iface: {
    parseLog(l: { topics: string[]; data: string }): { name: string; args: { reward: bigint } } | null;
  },
  quoteDecimals: number,
): number | undefined {
  for (const l of receipt.logs) {
    try {
      const parsed = iface.parseLog({ topics: [...l.topics], data: l.data });
      if (parsed?.name === "Rebalanced") return Number(formatUnits(parsed.args.reward, quoteDecimals));
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
 */
export async function rebalanceOnce(
  hre: HardhatRuntimeEnvironment,
  vault: { name: string; address: string },
  signer: Signer,
  opts: RebalanceOptions,
): Promise<RebalanceResult> {
  const { log } = opts;
  const before = await vaultStatus(hre, vault, POLL);
  const base = { name: vault.name, address: vault.address, before };
  if (before.reason !== "Due") {
    const outcome = isBlocked(before.reason) ? "blocked" : "idle";
    return { ...base, outcome, why: before.reasonText };
  }

  const plan = await readPlan(hre, vault.address);
  log(`${vault.name}: a rebalance is due (deviation ${before.urgency.toFixed(2)}× band)`);
  for (const line of formatPlan(plan)) log(line);

  const gate = await gasGate(hre, opts, vault.name);
  if (!gate.ok) return { ...base, outcome: "skipped", why: gate.why };

  const contract = (await hre.ethers.getContractAt("DeltaHedgeVault", vault.address)).connect(signer);
  let reward: bigint;
  let gas: bigint;
  try {
    reward = await contract.rebalance.staticCall();
    gas = await contract.rebalance.estimateGas();
  } catch (e) {
    if (classifySendError(e) === "already-done") {
      return {
        ...base,
        outcome: "raced",
        why: `no longer due at simulation: ${revertText(contract.interface, e)}`,
      };
    }
    throw new UserError(
      `${vault.name}: the simulation reverted with ${revertText(contract.interface, e)}; nothing sent.`,
    );
  }
  const quoteDecimals = await quoteDecimalsOf(hre, vault.address);
  log(
    `  simulation ok: reward ${formatUnits(reward, quoteDecimals)} ${before.assets[0]?.symbol ?? ""}, gas ≈ ${gas}`,
  );
  if (opts.dryRun) return { ...base, outcome: "dry-run", why: "dry run: simulated, not sent" };

  const gasLimit = (gas * 12n) / 10n;
  const fees = await sendFees(hre);
  await assertCanPay(hre, signer, gasLimit, fees.maxFeePerGas);
  let tx;
  try {
    tx = await contract.rebalance({ gasLimit, ...fees });
  } catch (e) {
    // Some nodes (Hardhat's among them) mine at once and answer the send with the revert.
    if (classifySendError(e) === "already-done") {
      return {
        ...base,
        outcome: "raced",
        why: `another transaction rebalanced first; ours was refused: ${revertText(contract.interface, e)}`,
      };
    }
    throw new UserError(
      `${vault.name}: sending failed: ${revertText(contract.interface, e)}. Check \`npx hardhat status\` before retrying.`,
    );
  }
  log(`  sent ${tx.hash}`);
  let receipt: TransactionReceipt | null;
  try {
    receipt = await tx.wait();
  } catch (e) {
    const failed = (e as { receipt?: TransactionReceipt }).receipt;
    const now = await vaultStatus(hre, vault, POLL);
    if (failed && now.reason !== "Due") {
      return {
        ...base,
        outcome: "raced",
        why: `another transaction rebalanced first; ours reverted harmlessly (${now.reasonText})`,
        txHash: tx.hash,
        gasUsed: failed.gasUsed,
        feeEth: formatEther(failed.gasUsed * failed.gasPrice),
        after: now,
      };
    }
    throw new UserError(
      `${vault.name}: transaction ${tx.hash} reverted: ${revertText(contract.interface, e)}.`,
    );
  }
  const after = await vaultStatus(hre, vault, POLL);
  return {
    ...base,
    outcome: "rebalanced",
    why: "rebalanced",
    txHash: tx.hash,
    gasUsed: receipt!.gasUsed,
    feeEth: formatEther(receipt!.gasUsed * receipt!.gasPrice),
    rewardQuote: rewardFrom(receipt!, contract.interface as never, quoteDecimals),
    after,
  };
}

async function quoteDecimalsOf(hre: HardhatRuntimeEnvironment, address: string): Promise<number> {
  const engine = await hre.ethers.getContractAt("DeltaHedgeVault", address);
  return (await tokenMeta(hre.ethers.provider, (await engine.assetConfig(0)).token)).decimals;
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
          (r.txHash ? ` (tx ${r.txHash}, gas ${r.gasUsed})` : ""),
      ];
    case "rebalanced":
      return [
        `${r.name}: rebalanced in ${r.txHash}: gas ${r.gasUsed} (${r.feeEth} ETH), reward ${r.rewardQuote ?? 0} ${r.before.assets[0]?.symbol ?? ""}`,
        ...formatChange(r.before, r.after!),
      ];
  }
}
