import { Interface, formatUnits, ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { UserError } from "../config/env";
import { renderTable } from "../format/table";
import { plural } from "../format/units";
import { type ReasonName, reasonName } from "../vault/enums";
import { type VaultKindName, kindName } from "../vault/kind";
import { type LensChain, type LensVault, readLens } from "../vault/lens";
import { hedgeUrgency, targetWeightUrgency } from "./decision";
import { type RebalancePlan, planFromLens } from "./plan";
import { describeReason } from "../vault/explain";

/** What `npx hardhat status` reports for one vault; also its `--json` shape. */
export interface VaultStatusReport {
  name: string;
  address: string;
  kind: VaultKindName;
  reason: ReasonName;
  reasonText: string;
  /** Deviation over band (1 = at the band edge). */
  urgency: number;
  paused: boolean;
  navQuote: number;
  nextEligibleAt: number | null;
  lastRebalanceAt: number | null;
  lastRebalanceCostQuote: number | null;
  assets: { symbol: string; priceQuote: number; feedAgeSeconds: number; weight?: number; target?: number }[];
  hedge?: {
    netDelta: number;
    targetDelta: number;
    halfWidth: number;
    bookDelta: number;
    bookGamma: number;
    sigma: number;
    underlying: number;
    liveLegs: number;
    clipped: boolean;
  };
  /** What rebalance() would do now (legs, bounds, the simulated reward); `legs` is empty unless Due. */
  plan: RebalancePlan;
  /** The block the status was read at, and its timestamp. */
  block: { number: number; timestamp: number };
}

/** An address the lens finds no Ballast vault at (no code, or a contract of another kind). */
export class VaultMissingError extends UserError {
  constructor(
    readonly vault: { name: string; address: string },
    networkName: string,
  ) {
    super(
      `no Ballast vault at ${vault.address}${vault.name === vault.address ? "" : ` (${vault.name})`} on ${networkName}: ` +
        "check the address and --network.",
    );
  }
}

/** How far back `status` looks for the last Rebalanced event (blocks). */
export const REBALANCE_LOOKBACK_BLOCKS = 50_000;

/** For reads while polling: skip the eth_getLogs look-back (heavy, and range-capped by providers). */
export const POLL = { lastRebalanceCost: false } as const;

const num = (x: bigint, decimals = 18) => Number(formatUnits(x, decimals));

/** One vault's report from its lens status; `now` is the block's timestamp. */
export function reportFromLens(
  vault: { name: string; address: string },
  s: LensVault,
  chain: LensChain,
  networkName: string,
): VaultStatusReport {
  const kind = kindName(s.kind);
  if (!kind) throw new VaultMissingError(vault, networkName);
  const now = Number(chain.timestamp);
  const reason = reasonName(s.status.reason);
  const assets: VaultStatusReport["assets"] = s.assets.map((a, i) => ({
    symbol: a.symbol,
    // The lens leaves pricesWad empty when prices are unusable (sequencer down, a stale feed):
    // an ethers Result throws on an index past its end, so test the length.
    priceQuote: i < s.pricesWad.length ? num(s.pricesWad[i]) : NaN,
    feedAgeSeconds: now - Number(a.feedUpdatedAt),
  }));
  const report: VaultStatusReport = {
    name: vault.name,
    address: vault.address,
    kind,
    reason,
    reasonText: describeReason(reason, s.status.detail),
    urgency: 0,
    paused: s.state.paused,
    navQuote: num(s.status.navWad),
    nextEligibleAt: s.status.nextEligibleAt > 0n ? Number(s.status.nextEligibleAt) : null,
    lastRebalanceAt: s.state.lastRebalanceAt > 0n ? Number(s.state.lastRebalanceAt) : null,
    lastRebalanceCostQuote: null,
    assets,
    plan: planFromLens(s, now),
    block: { number: Number(chain.blockNumber), timestamp: now },
  };
  if (kind === "delta-hedge") {
    const h = s.hedge;
    report.urgency = hedgeUrgency(h.netDeltaWad, h.targetDeltaWad, h.halfWidthWad);
    report.hedge = {
      netDelta: num(h.netDeltaWad),
      targetDelta: num(h.targetDeltaWad),
      halfWidth: num(h.halfWidthWad),
      bookDelta: num(h.bookDeltaWad),
      bookGamma: num(h.bookGammaE36, 36),
      sigma: num(h.sigmaWad),
      underlying: num(h.underlyingWad),
      liveLegs: Number(h.liveLegs),
      clipped: h.clipped,
    };
  } else {
    s.assets.forEach((a, i) => (assets[i].target = Number(a.targetBps) / 1e4));
    if (s.pricesWad.length > 0) {
      s.assets.forEach((a, i) => (assets[i].weight = num(a.weightWad)));
      report.urgency = targetWeightUrgency(
        s.assets.map((a) => a.weightWad),
        s.assets.map((a) => Number(a.targetBps)),
        s.assets.map((a) => Number(a.absBandBps)),
        s.assets.map((a) => Number(a.relBandBps)),
      );
    }
  }
  return report;
}

/** The Rebalanced event, for the last rebalance's cost. */
const REBALANCED = new Interface([
  "event Rebalanced(address indexed caller, uint256 navBeforeWad, uint256 navAfterWad, uint256 deviationBeforeWad, uint256 deviationAfterWad, uint256 tradedValueWad, uint256 reward)",
]);

/** The NAV the vault's last rebalance cost (quote), from its last Rebalanced event; null if unknown. */
async function lastRebalanceCost(
  hre: HardhatRuntimeEnvironment,
  address: string,
  latestBlock: number,
): Promise<number | null> {
  try {
    const logs = await hre.ethers.provider.getLogs({
      address,
      topics: [REBALANCED.getEvent("Rebalanced")!.topicHash],
      fromBlock: Math.max(0, latestBlock - REBALANCE_LOOKBACK_BLOCKS),
      toBlock: latestBlock,
    });
    const last = logs[logs.length - 1];
    if (!last) return null;
    const ev = REBALANCED.parseLog({ topics: [...last.topics], data: last.data })!;
    return num((ev.args.navBeforeWad as bigint) - (ev.args.navAfterWad as bigint));
  } catch {
    // Providers that cap eth_getLogs ranges: the cost stays unknown (null), the rest is reported.
    return null;
  }
}

/**
 * Reads the status of several vaults in one lens call (plus, unless polling, one eth_getLogs per
 * vault for the last rebalance's cost), with `keeper`'s ETH balance.
 */
export async function vaultStatuses(
  hre: HardhatRuntimeEnvironment,
  vaults: { name: string; address: string }[],
  opts: { lastRebalanceCost: boolean; keeper?: string } = { lastRebalanceCost: true },
): Promise<{ reports: VaultStatusReport[]; keeperBalanceWei: bigint }> {
  const lens = await readLens(
    hre,
    vaults.map((v) => v.address),
    opts.keeper ?? ZeroAddress,
  );
  const reports = vaults.map((v, i) => reportFromLens(v, lens.vaults[i], lens.chain, hre.network.name));
  if (opts.lastRebalanceCost) {
    for (const r of reports) {
      if (r.lastRebalanceAt !== null)
        r.lastRebalanceCostQuote = await lastRebalanceCost(hre, r.address, r.block.number);
    }
  }
  return { reports, keeperBalanceWei: lens.chain.keeperBalance };
}

/** Reads everything the status table shows for one vault: one lens call (and one eth_getLogs). */
export async function vaultStatus(
  hre: HardhatRuntimeEnvironment,
  vault: { name: string; address: string },
  opts: { lastRebalanceCost: boolean } = { lastRebalanceCost: true },
): Promise<VaultStatusReport> {
  return (await vaultStatuses(hre, [vault], opts)).reports[0];
}

const when = (t: number | null) =>
  t === null ? "-" : new Date(t * 1000).toISOString().replace(".000Z", "Z");

/** The human table for one vault. */
export function formatStatus(r: VaultStatusReport): string {
  const lines = [
    `${r.name} (${r.kind}) at ${r.address}`,
    `  trigger: ${r.reason} — ${r.reasonText}; deviation ${r.urgency.toFixed(2)}× band${r.paused ? "; PAUSED" : ""}`,
    `  NAV ${r.navQuote.toLocaleString("en-US", { maximumFractionDigits: 2 })} (quote); next eligible ${when(r.nextEligibleAt)}; ` +
      `last rebalance ${when(r.lastRebalanceAt)}` +
      (r.lastRebalanceCostQuote === null ? "" : ` costing ${r.lastRebalanceCostQuote.toFixed(2)}`),
  ];
  const rows = r.assets.map((a) => [
    a.symbol,
    Number.isNaN(a.priceQuote) ? "-" : a.priceQuote.toFixed(4),
    `${a.feedAgeSeconds}`,
    a.weight === undefined ? "-" : `${(a.weight * 100).toFixed(2)}%`,
    a.target === undefined ? "-" : `${(a.target * 100).toFixed(2)}%`,
  ]);
  lines.push(
    ...renderTable(["asset", "price", "feed age s", "weight", "target"], rows)
      .split("\n")
      .map((l) => `  ${l}`),
  );
  if (r.hedge) {
    const h = r.hedge;
    lines.push(
      `  net Δ ${h.netDelta.toFixed(4)} vs target ${h.targetDelta.toFixed(4)} ± ${h.halfWidth.toFixed(4)}; ` +
        `book Δ ${h.bookDelta.toFixed(4)}, Γ ${h.bookGamma.toExponential(4)}; σ ${(h.sigma * 100).toFixed(1)}%; ` +
        `${plural(h.liveLegs, "live leg")}; holding ${h.underlying.toFixed(4)}${h.clipped ? "; CLIPPED (cannot sell enough)" : ""}`,
    );
  }
  return lines.join("\n");
}
