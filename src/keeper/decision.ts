import { type Interface, decodeBytes32String } from "ethers";

import { type ReasonName, reasonName } from "../vault/enums";

/**
 * The keeper's decisions as pure functions, so the tasks stay thin and every rule is unit tested:
 * when to send, hold or idle; how urgent a vault is; how to read a failed send; how long to back off.
 */

const WAD = 10n ** 18n;
const BPS = 10_000n;

/** Gas rules a keeper operator sets. */
export interface GasPolicy {
  /** Hold non-urgent rebalances while the base fee is above this (wei). */
  baseFeeCeilingWei: bigint;
  /** Act whatever the base fee (up to the hard cap) once the deviation is this many bands out. */
  urgentMultiple: number;
  /** Never send above this base fee (wei), urgent or not. */
  hardCapWei: bigint;
}

/** What the trigger predicate says about a vault, plus how far out of band it is. */
export interface TriggerView {
  reason: ReasonName;
  detail: bigint;
  /** Deviation over band: 1 = at the band edge; 0 when unknown or inside with nothing to measure. */
  urgency: number;
}

export type Decision =
  | { action: "send"; urgent: boolean; why: string }
  | { action: "hold"; why: string }
  | { action: "idle"; why: string };

const gwei = (wei: bigint) => `${(Number(wei) / 1e9).toFixed(2)} gwei`;

/** Send, hold for gas, or idle (nothing due), with a one-line reason for the log. */
export function decide(view: TriggerView, baseFeeWei: bigint, policy: GasPolicy): Decision {
  if (view.reason !== "Due") return { action: "idle", why: describeReason(view.reason, view.detail) };
  const urgent = view.urgency >= policy.urgentMultiple;
  if (baseFeeWei > policy.hardCapWei) {
    return {
      action: "hold",
      why: `base fee ${gwei(baseFeeWei)} above the hard cap ${gwei(policy.hardCapWei)}`,
    };
  }
  if (baseFeeWei > policy.baseFeeCeilingWei && !urgent) {
    return {
      action: "hold",
      why:
        `base fee ${gwei(baseFeeWei)} above the ceiling ${gwei(policy.baseFeeCeilingWei)}; ` +
        `deviation ${view.urgency.toFixed(2)}× band, urgent from ${policy.urgentMultiple}×`,
    };
  }
  return {
    action: "send",
    urgent,
    why: urgent
      ? `urgent: deviation ${view.urgency.toFixed(2)}× band`
      : `due: deviation ${view.urgency.toFixed(2)}× band`,
  };
}

/** A reason code and its detail as one readable phrase. */
export function describeReason(reason: ReasonName, detail: bigint): string {
  const at = (t: bigint) => new Date(Number(t) * 1000).toISOString().replace(".000Z", "Z");
  switch (reason) {
    case "Due":
      return "a rebalance is due";
    case "NotActive":
      return "the vault is not activated yet";
    case "Paused":
      return "the vault is paused";
    case "SequencerDown":
      return "the L2 sequencer is down";
    case "SequencerGracePeriod":
      return "the L2 sequencer is in its grace period";
    case "OracleStale":
      return `the price feed of asset ${detail} is stale`;
    case "OracleInvalidAnswer":
      return `the price feed of asset ${detail} gives an invalid answer`;
    case "EmptyVault":
      return "the vault holds nothing";
    case "Cooldown":
      return `cooling down until ${at(detail)}`;
    case "CircuitBreaker":
      return `circuit breaker tripped until ${at(detail)}`;
    case "WithinBand":
      return "within band";
    case "IntervalNotElapsed":
      return `interval not elapsed until ${at(detail)}`;
    case "BelowMinTrade":
      return "every trade would be below the minimum trade value";
    case "PoolPriceDeviation":
      return `the pool of asset ${detail} is too far from the oracle`;
    case "VolatilityUnhealthy":
      return "the volatility feed is stale or out of bounds";
    case "BookUnreadable":
      return "the options book cannot be read";
  }
}

/**
 * A target-weight vault's urgency: the largest |weight − target| over that asset's band (the tighter
 * of the absolute band, bps of NAV, and the relative band, bps of the target; 0 = off).
 */
export function targetWeightUrgency(
  weightsWad: bigint[],
  targetBps: number[],
  absBandBps: number[],
  relBandBps: number[],
): number {
  let worst = 0;
  weightsWad.forEach((w, i) => {
    const target = (BigInt(targetBps[i]) * WAD) / BPS;
    const drift = w > target ? w - target : target - w;
    const bands: bigint[] = [];
    if (absBandBps[i] > 0) bands.push((BigInt(absBandBps[i]) * WAD) / BPS);
    if (relBandBps[i] > 0) bands.push((target * BigInt(relBandBps[i])) / BPS);
    if (bands.length === 0) return;
    const band = bands.reduce((a, b) => (a < b ? a : b));
    if (band === 0n) return;
    worst = Math.max(worst, Number((drift * 1_000_000n) / band) / 1_000_000);
  });
  return worst;
}

/** A delta-hedged vault's urgency: |net delta − target| over the band's half-width. */
export function hedgeUrgency(netDeltaWad: bigint, targetDeltaWad: bigint, halfWidthWad: bigint): number {
  if (halfWidthWad === 0n) return 0;
  const off = netDeltaWad > targetDeltaWad ? netDeltaWad - targetDeltaWad : targetDeltaWad - netDeltaWad;
  return Number((off * 1_000_000n) / halfWidthWad) / 1_000_000;
}

/** How a failed send should be treated. */
export type SendOutcome = "already-done" | "retry" | "fatal";

/**
 * Reads a failed send or simulation. A RebalanceNotDue revert after the status said Due means
 * another keeper got there first (or the state moved): nothing is lost, count it as done. Network
 * and node hiccups are retried; anything else (insufficient funds, a real revert) is fatal.
 */
export function classifySendError(error: unknown): SendOutcome {
  const e = error as {
    code?: string;
    shortMessage?: string;
    message?: string;
    errorName?: string;
    revert?: { name?: string };
  };
  const text = `${e?.shortMessage ?? ""} ${e?.message ?? ""}`;
  if (
    e?.revert?.name === "RebalanceNotDue" ||
    e?.errorName === "RebalanceNotDue" ||
    text.includes("RebalanceNotDue")
  ) {
    return "already-done";
  }
  if (e?.code === "INSUFFICIENT_FUNDS" || /insufficient funds/i.test(text)) return "fatal";
  if (
    ["NETWORK_ERROR", "TIMEOUT", "SERVER_ERROR", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT"].includes(
      e?.code ?? "",
    ) ||
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up|timeout|header not found|nonce too low|replacement transaction underpriced/i.test(
      text,
    ) ||
    // Hardhat's HTTP provider: node unreachable (HH108), a non-JSON answer such as a 503 page (HH110),
    // and the rate limits and gateway errors RPC providers return.
    /HH108|HH110|Too Many Requests|Bad Gateway|Service Unavailable|Gateway Timeout|HTTP (429|502|503|504)\b/i.test(
      text,
    )
  ) {
    return "retry";
  }
  return "fatal";
}

/** Exponential backoff with full jitter: a delay in [0, min(cap, base·2^attempt)] ms. */
export function backoffDelayMs(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/** The fee to replace a stuck transaction: at least +12.5% on both fields (what nodes require), capped. */
export function replacementFees(
  previous: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint },
  capWei: bigint,
): { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } | null {
  const bump = (x: bigint) => (x * 1125n + 999n) / 1000n;
  const next = {
    maxFeePerGas: bump(previous.maxFeePerGas),
    maxPriorityFeePerGas: bump(previous.maxPriorityFeePerGas),
  };
  return next.maxFeePerGas > capWei ? null : next;
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

/** EIP-1559 fees: twice the base fee plus the tip, the max fee capped at `capWei` + tip when given. */
export function eip1559Fees(
  baseFeeWei: bigint,
  tipWei: bigint,
  capWei?: bigint,
): { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } {
  const fee = 2n * baseFeeWei + tipWei;
  const ceiling = capWei === undefined ? fee : capWei + tipWei;
  return { maxFeePerGas: fee < ceiling ? fee : ceiling, maxPriorityFeePerGas: tipWei };
}
