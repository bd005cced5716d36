import { formatGwei } from "../format/units";
import { BPS, WAD } from "../math/units";
import { type ReasonName } from "../vault/enums";
import { describeReason } from "../vault/reasons";

/**
 * The keeper's decisions as pure functions, so the tasks stay thin and every rule is unit tested:
 * when to send, hold or idle; how urgent a vault is; how to read a failed send; how long to back off.
 */

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
  | { action: "hold"; why: string; unprofitable?: true }
  | { action: "idle"; why: string };

/**
 * A due rebalance's economics, in the vault's quote token: the reward the lens simulated and the gas
 * it would cost (simulated gas × base fee plus tip, converted at the ETH price), and the operator's
 * --min-profit ratio (0 = off).
 */
export interface Economics {
  rewardQuote: number;
  gasCostQuote: number;
  minProfit: number;
  symbol: string;
}

/** Formats a quote amount with the digits it needs (0.09, 12.5, 1,234.57). */
const quoteText = (x: number, symbol: string) =>
  `${x.toLocaleString("en-US", { maximumSignificantDigits: x < 1 ? 2 : undefined, maximumFractionDigits: 2 })} ${symbol}`;

/** Send, hold for gas, or idle (nothing due), with a one-line reason for the log. */
export function decide(
  view: TriggerView,
  baseFeeWei: bigint,
  policy: GasPolicy,
  economics?: Economics,
): Decision {
  if (view.reason !== "Due") return { action: "idle", why: describeReason(view.reason, view.detail) };
  const urgent = view.urgency >= policy.urgentMultiple;
  if (baseFeeWei > policy.hardCapWei) {
    return {
      action: "hold",
      why: `base fee ${formatGwei(baseFeeWei)} above the hard cap ${formatGwei(policy.hardCapWei)}`,
    };
  }
  if (baseFeeWei > policy.baseFeeCeilingWei && !urgent) {
    return {
      action: "hold",
      why:
        `base fee ${formatGwei(baseFeeWei)} above the ceiling ${formatGwei(policy.baseFeeCeilingWei)}; ` +
        `deviation ${view.urgency.toFixed(2)}× band, urgent from ${policy.urgentMultiple}×`,
    };
  }
  if (
    economics &&
    !urgent &&
    economics.minProfit > 0 &&
    economics.rewardQuote < economics.gasCostQuote * economics.minProfit
  ) {
    const { rewardQuote, gasCostQuote, minProfit, symbol } = economics;
    return {
      action: "hold",
      unprofitable: true,
      why:
        `reward ${quoteText(rewardQuote, symbol)} is below ${minProfit}× the gas cost ${quoteText(gasCostQuote, symbol)}; ` +
        `deviation ${view.urgency.toFixed(2)}× band, sent anyway from ${policy.urgentMultiple}×`,
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

/**
 * A leverage vault's urgency: how far leverage is from its target over the distance to the band's
 * edge on that side (1 = at the edge: a lever is due below `minWad`, a delever above `maxWad`).
 */
export function leverageUrgency(
  leverageWad: bigint,
  targetWad: bigint,
  minWad: bigint,
  maxWad: bigint,
): number {
  const edge = leverageWad >= targetWad ? maxWad - targetWad : targetWad - minWad;
  if (edge <= 0n) return 0;
  const off = leverageWad >= targetWad ? leverageWad - targetWad : targetWad - leverageWad;
  return Number((off * 1_000_000n) / edge) / 1_000_000;
}

/** How a failed send should be treated. */
export type SendOutcome = "already-done" | "retry" | "fatal";

/**
 * Reads a failed send or simulation. A RebalanceNotDue (or RipcordNotDue) revert after the status
 * said Due means another keeper got there first (or the state moved): nothing is lost, count it as done. Network
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
  // RipcordNotDue: another caller pulled a leverage vault's ripcord first.
  for (const name of ["RebalanceNotDue", "RipcordNotDue"]) {
    if (e?.revert?.name === name || e?.errorName === name || text.includes(name)) return "already-done";
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

/** The symbols that are ETH for pricing gas: the quote may be WETH itself, or hold it as an asset. */
const ETH_SYMBOL = /^W?ETH$/i;

/**
 * The price of one ETH in a vault's quote token, for turning gas into the reward's units: 1 when the
 * quote is WETH; else the oracle price of WETH among that vault's assets, or among any other vault's
 * with the same quote; else `fallback` (--eth-price); else undefined.
 */
export function ethPriceInQuote(
  vault: { quote: string; assets: { symbol: string; priceQuote: number }[] },
  others: { quote: string; assets: { symbol: string; priceQuote: number }[] }[],
  fallback?: number,
): number | undefined {
  if (ETH_SYMBOL.test(vault.quote)) return 1;
  for (const v of [vault, ...others]) {
    if (v.quote !== vault.quote) continue;
    const eth = v.assets.find(
      (a) => ETH_SYMBOL.test(a.symbol) && Number.isFinite(a.priceQuote) && a.priceQuote > 0,
    );
    if (eth) return eth.priceQuote;
  }
  return fallback;
}
