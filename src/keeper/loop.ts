import { type Signer, formatEther, formatUnits } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { UserError } from "../config/env";
import type { VaultKindName } from "../vault/kind";
import {
  type Economics,
  type GasPolicy,
  backoffDelayMs,
  classifySendError,
  decide,
  eip1559Fees,
  ethPriceInQuote,
  replacementFees,
} from "./decision";
import { sleep } from "../cli/sleep";
import {
  type DueCall,
  dueCall,
  engineInterface,
  baseFee,
  estimateRebalanceGas,
  isBlocked,
  suggestedTip,
} from "./rebalance";
import { sendLean } from "./send";
import { type VaultStatusReport, VaultMissingError, reportFromLens, revertContext } from "./status";
import { readLens } from "../vault/lens";
import { revertText } from "../vault/explain";
import { assertCanPay } from "./funds";
import { keeperRegistry, serveMetrics } from "./metrics";

/**
 * The keeper loop behind `npx hardhat keeper`: every poll it reads every vault's status in one lens
 * call (kind, trigger, plan, simulated outcome, base fee, its own balance), holds
 * non-urgent work while gas is dear, sends what is due with its own nonce bookkeeping, replaces
 * transactions that sit unmined, treats "someone else rebalanced first" as success, backs off on RPC
 * errors, and stops cleanly on a signal with a summary.
 */

export interface KeeperOptions {
  pollMs: number;
  policy: GasPolicy;
  /** Backoff after RPC errors: full jitter in [0, min(cap, base·2^n)]. */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** A sent transaction unmined for this long is replaced at a higher fee (same nonce). */
  stuckAfterMs: number;
  /** JSON lines instead of text. */
  json: boolean;
  /**
   * Consecutive polls the keeper may lack the ETH for a due rebalance before it stops (one line, exit
   * 1); meanwhile it polls less and less often (×2 each poll, up to 16 polls' time) and says so once.
   */
  noFundsExitAfter: number;
  /** Warn (once each time it drops below) when the keeper's balance is under this. */
  minBalanceWei?: bigint;
  /**
   * Hold a due, non-urgent rebalance whose simulated reward is below its gas cost times this ratio
   * (0 = send every due rebalance). Gas is priced in the quote token through ethPriceInQuote.
   */
  minProfit: number;
  /** Quote tokens per ETH for vaults that hold no WETH (and whose quote is not WETH). */
  ethPrice?: number;
  /** Log a `record` line with the running totals this often (0 = only the final summary). */
  reportEveryMs: number;
  /** Decide and simulate as usual, but send nothing (`dry-run` records say what would have gone). */
  dryRun?: boolean;
  /** Serve the running totals for Prometheus at http://host:port/metrics (port 0: any free port). */
  metrics?: { host: string; port: number };
  log: (line: string) => void;
  signal: AbortSignal;
}

export interface KeeperSummary {
  network: string;
  keeper: string;
  startedAt: string;
  stoppedAt: string;
  stoppedBy: string;
  ticks: number;
  sent: number;
  confirmed: number;
  /** Another keeper rebalanced first (at simulation, or ours reverted once mined). */
  raced: number;
  replaced: number;
  held: number;
  /** With --dry-run: due rebalances that would have been sent. */
  wouldSend: number;
  /** Due rebalances held because the reward did not cover --min-profit × their gas cost. */
  unprofitable: number;
  idle: number;
  blocked: number;
  rpcErrors: number;
  failures: number;
  gasUsed: string;
  /** ETH paid for gas by the transactions that mined (gas used × effective price). */
  ethSpent: string;
  /** Rewards the confirmed rebalances paid, per quote token (from their Rebalanced events), e.g. { USDC: "12.5" }. */
  rewards: Record<string, string>;
  /**
   * Rewards less the gas paid for them, per quote token, the gas priced at each poll's ETH price;
   * a token is missing when some of its vaults' gas could not be priced.
   */
  net: Record<string, string>;
}

/** What the keeper knows after a poll: its running totals and each vault's last state. */
export interface KeeperSnapshot {
  summary: KeeperSummary;
  balanceWei: bigint;
  lastTickAt: number;
  vaults: { name: string; reason: string; urgency: number }[];
}

type Level = "info" | "warn" | "error";

interface Pending {
  vault: string;
  nonce: number;
  hashes: string[];
  fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
  gasLimit: bigint;
  data: string;
  sentAt: number;
  /** The simulated reward, in the quote token's units, and that token. */
  reward: { units: bigint; symbol: string; decimals: number };
  /** What was sent (rebalance or ripcord): the event carrying its reward, the ABI to read it with. */
  call: DueCall;
  /** Quote tokens per ETH when it was sent (undefined: unknown), to price its gas. */
  ethPrice?: number;
}

/** One log record as text: `time level event key=value …`. */
export function formatLogText(record: Record<string, unknown>): string {
  const { ts, level, event, ...rest } = record;
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" && /\s/.test(v) ? JSON.stringify(v) : String(v)}`)
    .join(" ");
  return `${ts} ${String(level).padEnd(5)} ${event}${fields ? ` ${fields}` : ""}`;
}

export async function runKeeper(
  hre: HardhatRuntimeEnvironment,
  vaults: { name: string; address: string }[],
  signer: Signer,
  opts: KeeperOptions,
): Promise<KeeperSummary> {
  const provider = hre.ethers.provider;
  const keeper = await signer.getAddress();
  const iface = engineInterface(hre);
  const summary: KeeperSummary = {
    network: hre.network.name,
    keeper,
    startedAt: new Date().toISOString(),
    stoppedAt: "",
    stoppedBy: "",
    ticks: 0,
    sent: 0,
    confirmed: 0,
    raced: 0,
    replaced: 0,
    held: 0,
    wouldSend: 0,
    unprofitable: 0,
    idle: 0,
    blocked: 0,
    rpcErrors: 0,
    failures: 0,
    gasUsed: "0",
    ethSpent: "0.0",
    rewards: {},
    net: {},
  };
  let gasUsed = 0n;
  let ethSpentWei = 0n;
  const rewards = new Map<string, { units: bigint; decimals: number }>();
  /** Gas paid per quote token, in that token (NaN once some of it could not be priced). */
  const gasCostQuote = new Map<string, number>();
  /** Vaults the lens stopped finding after it had found them: name → consecutive polls. */
  const missing = new Map<string, number>();
  let consecutiveNoFunds = 0;
  let lowBalanceWarned = false;
  const emit = (level: Level, event: string, fields: Record<string, unknown> = {}) => {
    const record = { ts: new Date().toISOString(), level, event, ...fields };
    opts.log(
      opts.json
        ? JSON.stringify(record, (_k, v) => (typeof v === "bigint" ? v.toString() : v))
        : formatLogText(record),
    );
  };
  const lastState = new Map<string, string>();
  // A vault's kind, fixed the first time the lens reads it: a later failed read is an RPC error to
  // retry, never a reason to see the vault as another kind.
  const kinds = new Map<string, VaultKindName>();
  const pending = new Map<string, Pending>();
  let nonce: number | null = null;
  let consecutiveRpcErrors = 0;

  /** Follows a sent transaction: confirmed, reverted (raced or failed), replaced by us, or stuck. */
  async function follow(
    v: { name: string; address: string },
    p: Pending,
    now: VaultStatusReport,
  ): Promise<void> {
    for (const hash of p.hashes) {
      const receipt = await provider.getTransactionReceipt(hash);
      if (!receipt) continue;
      pending.delete(v.address);
      gasUsed += receipt.gasUsed;
      const feeWei = receipt.gasUsed * receipt.gasPrice;
      ethSpentWei += feeWei;
      const cost = p.ethPrice === undefined ? NaN : Number(formatEther(feeWei)) * p.ethPrice;
      gasCostQuote.set(p.reward.symbol, (gasCostQuote.get(p.reward.symbol) ?? 0) + cost);
      if (receipt.status === 1) {
        summary.confirmed++;
        // The reward actually paid, from the vault's Rebalanced (or Ripcorded) event (the
        // simulation's figure was for the block the lens read).
        const paid = receipt.logs
          .filter((l) => l.address.toLowerCase() === v.address.toLowerCase())
          .map((l) => p.call.iface.parseLog(l))
          .find((e) => e?.name === p.call.event);
        const r = rewards.get(p.reward.symbol) ?? { units: 0n, decimals: p.reward.decimals };
        r.units += paid ? (paid.args.reward as bigint) : p.reward.units;
        rewards.set(p.reward.symbol, r);
        emit("info", "confirmed", {
          vault: v.name,
          call: p.call.what,
          tx: hash,
          block: receipt.blockNumber,
          gasUsed: receipt.gasUsed,
        });
      } else {
        if (dueCall(hre, now)?.what !== p.call.what) {
          summary.raced++;
          emit("info", "raced", {
            vault: v.name,
            tx: hash,
            why: `another keeper ${p.call.what === "ripcord" ? "pulled the ripcord" : "rebalanced"} first; ours reverted`,
          });
        } else {
          summary.failures++;
          emit("error", "reverted", { vault: v.name, tx: hash });
        }
      }
      return;
    }
    const mined = await provider.getTransactionCount(keeper, "latest");
    if (mined > p.nonce) {
      // The nonce was used by none of our hashes: another process with this key took it.
      pending.delete(v.address);
      nonce = null;
      emit("warn", "nonce-taken", {
        vault: v.name,
        nonce: p.nonce,
        why: "the nonce was used by another transaction",
      });
      return;
    }
    if (Date.now() - p.sentAt < opts.stuckAfterMs) return;
    const next = replacementFees(p.fees, opts.policy.hardCapWei + p.fees.maxPriorityFeePerGas * 2n);
    if (!next) {
      emit("warn", "stuck", {
        vault: v.name,
        tx: p.hashes.at(-1),
        why: "cannot raise the fee further under the hard cap",
      });
      p.sentAt = Date.now();
      return;
    }
    const hash = await sendLean(hre, signer, {
      to: v.address,
      data: p.data,
      nonce: p.nonce,
      gasLimit: p.gasLimit,
      ...next,
    });
    p.hashes.push(hash);
    p.fees = next;
    p.sentAt = Date.now();
    summary.replaced++;
    emit("warn", "replaced", { vault: v.name, nonce: p.nonce, tx: hash, maxFeePerGas: next.maxFeePerGas });
  }

  /** What a tick knows: the base fee, the keeper's balance left after this tick's sends, the tip. */
  interface Tick {
    base: bigint;
    balance: bigint;
    tip: bigint | null;
    /** Set when a due rebalance could not be paid for: what it needed. */
    shortWei?: bigint;
    /** Every vault's report this poll (for pricing ETH in a quote token). */
    reports: VaultStatusReport[];
  }

  /** Quote tokens per ETH for a vault this poll: from the vaults' own oracles, else --eth-price. */
  const ethPriceFor = (st: VaultStatusReport, reports: VaultStatusReport[]) =>
    ethPriceInQuote(
      { quote: st.plan.quote.symbol, assets: st.assets },
      reports.map((r) => ({ quote: r.plan.quote.symbol, assets: r.assets })),
      opts.ethPrice,
    );

  /** The reward and the gas cost of a due rebalance, in its quote token (undefined: cannot price). */
  async function economics(st: VaultStatusReport, tick: Tick): Promise<Economics | undefined> {
    const sim = st.plan.simulation;
    if (opts.minProfit <= 0 || !sim.ran) return undefined;
    const price = ethPriceFor(st, tick.reports);
    if (price === undefined) return undefined;
    tick.tip ??= await suggestedTip(hre);
    const gasWei = BigInt(sim.gasUsed) * (tick.base + tick.tip);
    const rewardQuote = sim.ok
      ? Number(formatUnits(BigInt(sim.rewardUnits || "0"), st.plan.quote.decimals))
      : st.plan.rewardQuote;
    return {
      rewardQuote,
      gasCostQuote: Number(formatEther(gasWei)) * price,
      minProfit: opts.minProfit,
      symbol: st.plan.quote.symbol,
    };
  }

  async function visit(
    v: { name: string; address: string },
    st: VaultStatusReport,
    tick: Tick,
  ): Promise<void> {
    const kind = kinds.get(v.address) ?? st.kind;
    kinds.set(v.address, kind);
    const p = pending.get(v.address);
    if (p) return follow(v, p, st);
    const call = dueCall(hre, st);
    const ripcord = call?.what === "ripcord";
    // A due ripcord is urgent whatever the trigger says (it runs through a cooldown, the breaker and a
    // pause, and protects the holders from liquidation): it is sent under the hard cap like an urgent
    // rebalance, without the profit rule (its reward is bounded by the vault's own settings).
    const decision = decide(
      ripcord
        ? { reason: "Due", detail: 0n, urgency: Math.max(st.urgency, opts.policy.urgentMultiple) }
        : { reason: st.reason, detail: 0n, urgency: st.urgency },
      tick.base,
      opts.policy,
      call?.what === "rebalance" ? await economics(st, tick) : undefined,
    );
    if (ripcord && decision.action === "send") {
      const l = st.leverage!;
      decision.why = `ripcord due: leverage ${l.leverage.toFixed(3)}× at or above ${l.ripcord.toFixed(3)}×`;
    }
    const state = `${decision.action}:${ripcord ? "ripcord" : st.reason}`;
    const changed = lastState.get(v.address) !== state;
    lastState.set(v.address, state);
    if (decision.action === "idle") {
      if (isBlocked(st.reason)) summary.blocked++;
      else summary.idle++;
      if (changed)
        emit(isBlocked(st.reason) ? "warn" : "info", isBlocked(st.reason) ? "blocked" : "idle", {
          vault: v.name,
          kind,
          why: st.reasonText,
        });
      return;
    }
    if (decision.action === "hold") {
      if (decision.unprofitable) summary.unprofitable++;
      else summary.held++;
      if (changed)
        emit("info", decision.unprofitable ? "unprofitable" : "hold", {
          vault: v.name,
          kind,
          why: decision.why,
        });
      return;
    }
    if (!call) return; // decide() sends only when something is due
    if (!call.simulation.ok) {
      summary.failures++;
      emit("error", "simulation-failed", {
        vault: v.name,
        kind,
        call: call.what,
        why: revertText(call.iface, { data: call.simulation.revertData }, revertContext(st)),
      });
      return;
    }
    const { data } = call;
    const estimate = await estimateRebalanceGas(hre, keeper, v.address, data);
    if (!estimate.ok) {
      const why = revertText(call.iface, estimate.error, revertContext(st));
      if (estimate.raced) {
        summary.raced++;
        emit("info", "raced", { vault: v.name, kind, why: `no longer due at simulation: ${why}` });
        return;
      }
      if (classifySendError(estimate.error) === "retry") throw estimate.error;
      summary.failures++;
      emit("error", "simulation-failed", { vault: v.name, kind, why });
      return;
    }
    const { gasLimit } = estimate;
    tick.tip ??= await suggestedTip(hre);
    const fees = eip1559Fees(tick.base, tick.tip, opts.policy.hardCapWei);
    try {
      assertCanPay(hre, keeper, tick.balance, gasLimit, fees.maxFeePerGas);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      summary.failures++;
      // Said once per streak: every poll until funded would say the same.
      if (consecutiveNoFunds === 0) emit("error", "no-funds", { vault: v.name, kind, why: e.message });
      tick.shortWei = gasLimit * fees.maxFeePerGas;
      return;
    }
    if (opts.dryRun) {
      summary.wouldSend++;
      if (changed)
        emit("info", "dry-run", {
          vault: v.name,
          kind,
          why: `${decision.why}; would send (dry run)`,
          gasLimit,
        });
      return;
    }
    tick.balance -= gasLimit * fees.maxFeePerGas;
    if (nonce === null) nonce = await provider.getTransactionCount(keeper, "pending");
    const hash = await sendLean(hre, signer, { to: v.address, data, nonce, gasLimit, ...fees });
    pending.set(v.address, {
      vault: v.name,
      nonce,
      hashes: [hash],
      fees,
      gasLimit,
      data,
      sentAt: Date.now(),
      reward: {
        units: BigInt(call.simulation.rewardUnits || "0"),
        symbol: st.plan.quote.symbol,
        decimals: st.plan.quote.decimals,
      },
      call,
      ethPrice: ethPriceFor(st, tick.reports),
    });
    nonce++;
    summary.sent++;
    emit("info", "sent", {
      vault: v.name,
      kind,
      call: call.what,
      tx: hash,
      nonce: nonce - 1,
      why: decision.why,
      maxFeePerGas: fees.maxFeePerGas,
    });
  }

  let snapshot: KeeperSnapshot | undefined;
  const metrics = opts.metrics
    ? await serveMetrics(
        keeperRegistry(() => snapshot),
        opts.metrics.host,
        opts.metrics.port,
        opts.signal,
      )
    : undefined;
  try {
    return await loop();
  } finally {
    metrics?.server.close();
  }

  async function loop(): Promise<KeeperSummary> {
    emit("info", "start", {
      pid: process.pid, // for supervisors: SIGINT or SIGTERM here stops the loop cleanly
      network: hre.network.name,
      keeper,
      vaults: vaults.map((v) => v.name).join(","),
      pollMs: opts.pollMs,
      baseFeeCeilingGwei: Number(opts.policy.baseFeeCeilingWei) / 1e9,
      urgentMultiple: opts.policy.urgentMultiple,
      hardCapGwei: Number(opts.policy.hardCapWei) / 1e9,
      minProfit: opts.minProfit,
      ...(metrics ? { metrics: metrics.url } : {}),
    });
    let lastRecordAt = Date.now();
    let checkedPricing = false;
    while (!opts.signal.aborted) {
      summary.ticks++;
      let delay = opts.pollMs;
      try {
        const lens = await readLens(
          hre,
          vaults.map((v) => v.address),
          keeper,
        );
        const read = { keeperBalanceWei: lens.chain.keeperBalance };
        // One report per vault the lens finds; a vault it stopped finding is named, not fatal.
        const reports: (VaultStatusReport | undefined)[] = vaults.map((v, i) => {
          try {
            const r = reportFromLens(v, lens.vaults[i], lens.chain, hre.network.name);
            if (missing.has(v.address)) {
              emit("info", "vault-back", { vault: v.name, after: missing.get(v.address) });
              missing.delete(v.address);
            }
            return r;
          } catch (e) {
            // Never seen: the operator named the wrong address (one line, exit 1).
            if (!(e instanceof VaultMissingError) || !kinds.has(v.address)) throw e;
            const polls = (missing.get(v.address) ?? 0) + 1;
            missing.set(v.address, polls);
            if (polls === 1)
              emit("error", "vault-missing", {
                vault: v.name,
                address: v.address,
                block: Number(lens.chain.blockNumber),
                why:
                  "the vault answered before and no Ballast vault answers at its address at this block (no code, " +
                  "or other code): the node likely restarted on a fresh chain or was pointed at another network; " +
                  "redeploy there or point --network back",
              });
            return undefined;
          }
        });
        const present = reports.filter((r): r is VaultStatusReport => r !== undefined);
        if (!checkedPricing) {
          checkedPricing = true;
          const unpriced = present.find((r) => opts.minProfit > 0 && ethPriceFor(r, present) === undefined);
          if (unpriced)
            throw new UserError(
              `--min-profit needs the price of ETH in ${unpriced.plan.quote.symbol} for ${unpriced.name}, ` +
                `which holds no WETH: pass --eth-price <${unpriced.plan.quote.symbol} per ETH>.`,
            );
        }
        const tick: Tick = {
          base: await baseFee(hre),
          balance: read.keeperBalanceWei,
          tip: null,
          reports: present,
        };
        if (opts.minBalanceWei !== undefined) {
          const low = read.keeperBalanceWei < opts.minBalanceWei;
          if (low && !lowBalanceWarned)
            emit("warn", "low-balance", {
              balanceEth: formatEther(read.keeperBalanceWei),
              minBalanceEth: formatEther(opts.minBalanceWei),
              why: "fund the keeper before it cannot pay for a rebalance",
            });
          lowBalanceWarned = low;
        }
        for (const [i, v] of vaults.entries()) {
          if (opts.signal.aborted) break;
          const report = reports[i];
          if (report) await visit(v, report, tick);
        }
        if (tick.shortWei !== undefined) {
          consecutiveNoFunds++;
          if (consecutiveNoFunds >= opts.noFundsExitAfter) {
            finish("no-funds");
            throw new UserError(
              `the keeper ${keeper} could not pay for a due rebalance for ${consecutiveNoFunds} polls in a row ` +
                `(holds ${formatEther(read.keeperBalanceWei)} ETH, needs ${formatEther(tick.shortWei)}): fund it and restart.`,
            );
          }
          delay = opts.pollMs * Math.min(2 ** consecutiveNoFunds, 16);
          emit("warn", "no-funds-backoff", { polls: consecutiveNoFunds, retryInMs: delay });
        } else if (consecutiveNoFunds > 0) {
          emit("info", "funded", { after: consecutiveNoFunds });
          consecutiveNoFunds = 0;
        }
        if (consecutiveRpcErrors > 0) emit("info", "rpc-recovered", { after: consecutiveRpcErrors });
        consecutiveRpcErrors = 0;
        close();
        snapshot = {
          summary,
          balanceWei: read.keeperBalanceWei,
          lastTickAt: Math.floor(Date.now() / 1000),
          vaults: vaults.map((v, i) => ({
            name: v.name,
            reason: reports[i]?.reason ?? "Missing",
            urgency: reports[i]?.urgency ?? 0,
          })),
        };
        if (opts.reportEveryMs > 0 && Date.now() - lastRecordAt >= opts.reportEveryMs) {
          lastRecordAt = Date.now();
          emit("info", "record", { ...summary, pending: pending.size });
        }
      } catch (e) {
        // The operator's mistake (an address that is no Ballast vault): one line, not an error a tick.
        if (e instanceof UserError) throw e;
        const kind = classifySendError(e);
        const why = revertText(iface, e);
        if (kind === "retry") {
          summary.rpcErrors++;
          consecutiveRpcErrors++;
          nonce = null; // re-read from the node once it answers
          delay = Math.max(backoffDelayMs(consecutiveRpcErrors, opts.backoffBaseMs, opts.backoffCapMs), 50);
          emit("warn", "rpc-error", { attempt: consecutiveRpcErrors, retryInMs: delay, why });
        } else if (kind === "already-done") {
          summary.raced++;
          nonce = null; // a node that mines at once may have used the nonce on the refused send
          emit("info", "raced", { why });
        } else {
          summary.failures++;
          nonce = null;
          emit("error", "error", { why });
        }
      }
      await sleep(delay, opts.signal);
    }
    finish(String(opts.signal.reason ?? "abort"));
    return summary;
  }

  /** Brings the summary's totals (gas, ETH spent, rewards and net per token) up to date. */
  function close(): void {
    summary.gasUsed = gasUsed.toString();
    summary.ethSpent = formatEther(ethSpentWei);
    summary.rewards = Object.fromEntries(
      [...rewards].map(([symbol, r]) => [symbol, formatUnits(r.units, r.decimals)]),
    );
    summary.net = {};
    for (const [symbol, r] of rewards) {
      const cost = gasCostQuote.get(symbol) ?? 0;
      if (Number.isFinite(cost))
        summary.net[symbol] = (Number(formatUnits(r.units, r.decimals)) - cost).toFixed(
          Math.min(r.decimals, 6),
        );
    }
  }

  /** Closes the summary and logs it. */
  function finish(stoppedBy: string): void {
    summary.stoppedAt = new Date().toISOString();
    summary.stoppedBy = stoppedBy;
    close();
    emit("info", "summary", { ...summary, pending: pending.size });
  }
}
