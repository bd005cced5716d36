import { Contract, formatUnits, isAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { UserError } from "../config/env";
import { renderTable } from "../format/table";
import { type ReasonName, reasonName } from "../vault/enums";
import { describeReason, hedgeUrgency, targetWeightUrgency } from "./decision";
import { tokenMeta } from "./tokens";

/** What `npx hardhat status` reports for one vault; also its `--json` shape. */
export interface VaultStatusReport {
  name: string;
  address: string;
  kind: "target-weight" | "delta-hedge";
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
}

const FEED = [
  "function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)",
  "function decimals() view returns (uint8)",
];
/** How far back `status` looks for the last Rebalanced event (blocks). */
export const REBALANCE_LOOKBACK_BLOCKS = 50_000;

/** The deployed vaults this network knows by name (hardhat-deploy records `Vault_<name>`). */
export async function listVaults(
  hre: HardhatRuntimeEnvironment,
): Promise<{ name: string; address: string }[]> {
  const all = await hre.deployments.all();
  return Object.entries(all)
    .filter(([key]) => key.startsWith("Vault_"))
    .map(([key, d]) => ({ name: key.slice("Vault_".length), address: d.address }));
}

/** A vault given by deployment name or address; unknown names fail with one line listing the known ones. */
export async function resolveVault(
  hre: HardhatRuntimeEnvironment,
  nameOrAddress: string,
): Promise<{ name: string; address: string }> {
  if (isAddress(nameOrAddress)) {
    const code = await hre.ethers.provider.getCode(nameOrAddress);
    if (code === "0x")
      throw new UserError(
        `no contract at ${nameOrAddress} on ${hre.network.name}: check the address and --network.`,
      );
    const known = (await listVaults(hre)).find(
      (v) => v.address.toLowerCase() === nameOrAddress.toLowerCase(),
    );
    return { name: known?.name ?? nameOrAddress, address: nameOrAddress };
  }
  const vaults = await listVaults(hre);
  const found = vaults.find((v) => v.name === nameOrAddress);
  if (!found) {
    const names = vaults.map((v) => v.name).join(", ") || "none";
    throw new UserError(
      `unknown vault '${nameOrAddress}' on ${hre.network.name}: deployed vaults are ${names}. Pass one of them or an address.`,
    );
  }
  return found;
}

/** For reads while polling: skip the eth_getLogs look-back (heavy, and range-capped by providers). */
export const POLL = { lastRebalanceCost: false } as const;

/** Reads everything the status table shows, from view calls only. */
export async function vaultStatus(
  hre: HardhatRuntimeEnvironment,
  vault: { name: string; address: string },
  opts: { lastRebalanceCost: boolean } = { lastRebalanceCost: true },
): Promise<VaultStatusReport> {
  const { ethers } = hre;
  const engine = await ethers.getContractAt("DeltaHedgeVault", vault.address);
  let hedgeStatus: Awaited<ReturnType<typeof engine.hedgeStatus>> | null = null;
  try {
    hedgeStatus = await engine.hedgeStatus();
  } catch {
    hedgeStatus = null; // not a delta-hedged vault
  }
  const st = await engine.rebalanceStatus();
  const state = await engine.engineState();
  const now = (await ethers.provider.getBlock("latest"))!.timestamp;
  const reason = reasonName(st.reason);
  const n = Number(await engine.assetCount());
  let prices: bigint[] = [];
  try {
    prices = [...(await engine.pricesWad())];
  } catch {
    prices = []; // oracle unhealthy: the reason says which
  }
  const assets: VaultStatusReport["assets"] = [];
  for (let i = 0; i < n; i++) {
    const cfg = await engine.assetConfig(i);
    const { symbol } = await tokenMeta(ethers.provider, cfg.token);
    const round = await new Contract(cfg.feed, FEED, ethers.provider).latestRoundData();
    assets.push({
      symbol,
      priceQuote: prices[i] !== undefined ? Number(formatUnits(prices[i], 18)) : NaN,
      feedAgeSeconds: now - Number(round[3]),
    });
  }

  const report: VaultStatusReport = {
    name: vault.name,
    address: vault.address,
    kind: hedgeStatus ? "delta-hedge" : "target-weight",
    reason,
    reasonText: describeReason(reason, st.detail),
    urgency: 0,
    paused: await engine.paused(),
    navQuote: Number(formatUnits(st.navWad, 18)),
    nextEligibleAt: st.nextEligibleAt > 0n ? Number(st.nextEligibleAt) : null,
    lastRebalanceAt: state.lastRebalanceAt > 0n ? Number(state.lastRebalanceAt) : null,
    lastRebalanceCostQuote: null,
    assets,
  };

  if (hedgeStatus) {
    const h = hedgeStatus;
    report.urgency = hedgeUrgency(h.netDeltaWad, h.targetDeltaWad, h.halfWidthWad);
    const eth = (x: bigint) => Number(formatUnits(x, 18));
    report.hedge = {
      netDelta: eth(h.netDeltaWad),
      targetDelta: eth(h.targetDeltaWad),
      halfWidth: eth(h.halfWidthWad),
      bookDelta: eth(h.bookDeltaWad),
      bookGamma: Number(formatUnits(h.bookGammaE36, 36)),
      sigma: eth(h.sigmaWad),
      underlying: eth(h.underlyingWad),
      liveLegs: Number(h.liveLegs),
      clipped: h.clipped,
    };
  } else {
    const twv = await ethers.getContractAt("TargetWeightVault", vault.address);
    const [targetBps, absBandBps, relBandBps] = await twv.targets();
    try {
      const [weights] = await twv.weightsWad();
      weights.forEach((w, i) => {
        assets[i].weight = Number(formatUnits(w, 18));
        assets[i].target = Number(targetBps[i]) / 1e4;
      });
      report.urgency = targetWeightUrgency(
        [...weights],
        targetBps.map(Number),
        absBandBps.map(Number),
        relBandBps.map(Number),
      );
    } catch {
      targetBps.forEach((t, i) => (assets[i].target = Number(t) / 1e4));
    }
  }

  if (!opts.lastRebalanceCost) return report; // the keeper polls; it does not need the history
  try {
    const latest = await ethers.provider.getBlockNumber();
    const logs = await engine.queryFilter(
      engine.filters.Rebalanced(),
      Math.max(0, latest - REBALANCE_LOOKBACK_BLOCKS),
    );
    const last = logs[logs.length - 1];
    if (last)
      report.lastRebalanceCostQuote = Number(formatUnits(last.args.navBeforeWad - last.args.navAfterWad, 18));
  } catch {
    // Providers that cap eth_getLogs ranges: the cost stays unknown (null), the rest is reported.
  }
  return report;
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
        `${h.liveLegs} live legs; holding ${h.underlying.toFixed(4)}${h.clipped ? "; CLIPPED (cannot sell enough)" : ""}`,
    );
  }
  return lines.join("\n");
}
