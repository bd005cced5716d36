import { type Interface, formatUnits } from "ethers";

import { isoTime } from "../format/time";
import type { LensVault } from "../vault/lens";
import { revertText } from "../vault/explain";
import type { PendingChange, VaultStatusReport } from "./status";

/**
 * `npx hardhat status --json`: one document for machines, documented field by field in the README
 * ("status --json"). Its one rule: no JSON numbers. Every integer the chain holds is a decimal string
 * of the raw integer in the unit its name says (`…Wad`: 18 decimals; `…Units`: the token's own
 * decimals; `…Bps`; `…Seconds`; times are Unix seconds), so nothing loses precision in a parser
 * that reads numbers as doubles; the few derived figures (`deviationBands`, `price`) are decimal
 * strings too. Booleans are booleans; a value the node could not give is null.
 */

export const STATUS_SCHEMA = "1";

export interface StatusDocument {
  schema: typeof STATUS_SCHEMA;
  network: string;
  chainId: string;
  block: { number: string; timestamp: string; time: string };
  vaults: VaultJson[];
}

export interface VaultJson {
  name: string;
  address: string;
  kind: string;
  paused: boolean;
  trigger: {
    reason: string;
    detail: string;
    text: string;
    deviationBands: string;
    outOfBand: boolean;
    nextEligibleAt: string | null;
  };
  quote: { symbol: string; token: string; decimals: string };
  navWad: string | null;
  roles: { owner: string; guardian: string };
  changeDelaySeconds: string;
  settings: Record<string, string>;
  state: {
    active: boolean;
    lastRebalanceAt: string | null;
    rebalancesClearAt: string;
    costClearAt: string;
    rewardsClearAt: string;
  };
  lastRebalanceCostWad: string | null;
  assets: AssetJson[];
  hedge: Record<string, string | boolean | Record<string, string> | null> | null;
  leverage: Record<string, string | boolean | Record<string, string | boolean | null>> | null;
  plan: {
    legs: {
      asset: string;
      side: "sell" | "buy";
      tokenIn: string;
      amountInUnits: string;
      tokenOut: string;
      minAmountOutUnits: string;
      valueWad: string;
    }[];
    tradedWad: string;
    chunked: boolean;
    simulation: {
      ran: boolean;
      ok: boolean;
      gasUsed: string;
      rewardUnits: string;
      revert: string | null;
    };
  };
  pendingChanges: (Omit<PendingChange, "eta"> & { eta: string; etaTime: string })[] | null;
}

export interface AssetJson {
  index: string;
  symbol: string;
  token: string;
  decimals: string;
  balanceUnits: string;
  priceWad: string | null;
  price: string | null;
  feed: string;
  feedDecimals: string;
  feedAnswer: string;
  feedUpdatedAt: string;
  feedAgeSeconds: string;
  maxStalenessSeconds: string;
  pool: string;
  poolFee: string;
  targetBps: string | null;
  absBandBps: string | null;
  relBandBps: string | null;
  weightWad: string | null;
}

const str = (x: bigint | number | boolean) => x.toString();

/** One vault's entry, from its lens status (the integers) and its report (the words). */
export function vaultJson(r: VaultStatusReport, s: LensVault, iface: Interface): VaultJson {
  const priced = s.pricesWad.length === s.assets.length;
  const tw = r.kind === "target-weight";
  const st = s.settings;
  const am = s.amounts;
  const q = s.assets[0];
  return {
    name: r.name,
    address: r.address,
    kind: r.kind,
    paused: s.state.paused,
    trigger: {
      reason: r.reason,
      detail: str(s.status.detail),
      text: r.reasonText,
      deviationBands: r.urgency.toFixed(6),
      outOfBand: s.status.outOfBand,
      nextEligibleAt: r.nextEligibleAt === null ? null : str(r.nextEligibleAt),
    },
    quote: { symbol: q?.symbol ?? "", token: q?.token ?? "", decimals: str(q?.decimals ?? 18n) },
    navWad: r.navQuote === null ? null : str(s.status.navWad),
    roles: { owner: s.owner, guardian: s.guardian },
    changeDelaySeconds: str(s.changeDelaySeconds),
    settings: {
      policy: String(r.settings.policy),
      mode: String(r.settings.mode),
      maxSlippageBps: str(st.maxSlippageBps),
      maxPoolDeviationBps: str(st.maxPoolDeviationBps),
      maxTradeBps: str(st.maxTradeBps),
      bandHysteresisBps: str(st.bandHysteresisBps),
      cooldownSeconds: str(st.cooldownSeconds),
      intervalSeconds: str(st.intervalSeconds),
      periodSeconds: str(st.periodSeconds),
      maxRebalancesPerPeriod: str(st.maxRebalancesPerPeriod),
      maxCostBpsPerPeriod: str(st.maxCostBpsPerPeriod),
      rewardBps: str(st.rewardBps),
      minTradeValueUnits: str(am.minTradeValue),
      maxRewardPerCallUnits: str(am.maxRewardPerCall),
      rewardCapPerPeriodUnits: str(am.rewardCapPerPeriod),
    },
    state: {
      active: s.state.active,
      lastRebalanceAt: s.state.lastRebalanceAt > 0n ? str(s.state.lastRebalanceAt) : null,
      rebalancesClearAt: str(s.state.rebalancesClearAt),
      costClearAt: str(s.state.costClearAt),
      rewardsClearAt: str(s.state.rewardsClearAt),
    },
    lastRebalanceCostWad: r.lastRebalanceCostWad,
    assets: s.assets.map((a, i) => ({
      index: str(i),
      symbol: a.symbol,
      token: a.token,
      decimals: str(a.decimals),
      balanceUnits: str(a.balance),
      priceWad: priced ? str(s.pricesWad[i]) : null,
      price: priced ? formatUnits(s.pricesWad[i], 18) : null,
      feed: a.feed,
      feedDecimals: str(a.feedDecimals),
      feedAnswer: str(a.feedAnswer),
      feedUpdatedAt: str(a.feedUpdatedAt),
      feedAgeSeconds: str(r.assets[i].feedAgeSeconds),
      maxStalenessSeconds: str(a.maxStalenessSeconds),
      pool: a.pool,
      poolFee: str(a.poolFee),
      targetBps: tw ? str(a.targetBps) : null,
      absBandBps: tw ? str(a.absBandBps) : null,
      relBandBps: tw ? str(a.relBandBps) : null,
      weightWad: tw && priced ? str(a.weightWad) : null,
    })),
    hedge:
      r.kind !== "delta-hedge"
        ? null
        : {
            netDeltaWad: str(s.hedge.netDeltaWad),
            targetDeltaWad: str(s.hedge.targetDeltaWad),
            halfWidthWad: str(s.hedge.halfWidthWad),
            bookDeltaWad: str(s.hedge.bookDeltaWad),
            bookGammaE36: str(s.hedge.bookGammaE36),
            underlyingWad: str(s.hedge.underlyingWad),
            sigmaWad: str(s.hedge.sigmaWad),
            liveLegs: str(s.hedge.liveLegs),
            clipped: s.hedge.clipped,
            book: s.hedgeParams.book,
            volatilityFeed: s.hedgeParams.volatility.feed,
            volatilityMaxStalenessSeconds: str(s.hedgeParams.volatility.maxStalenessSeconds),
            sigmaSetWad: str(s.hedgeParams.volatility.sigmaWad),
            minSigmaWad: str(s.hedgeParams.volatility.minSigmaWad),
            maxSigmaWad: str(s.hedgeParams.volatility.maxSigmaWad),
            rateWad: str(s.hedgeParams.rateWad),
            bandPolicy: String(r.hedge?.band.policy),
            bandRelativeBps: str(s.hedgeParams.band.relativeBps),
            bandCostBps: str(s.hedgeParams.band.costBps),
            bandAbsoluteWad: str(s.hedgeParams.band.absoluteWad),
            bandRiskAversionWad: str(s.hedgeParams.band.riskAversionWad),
            minHalfWidthWad: str(s.hedgeParams.band.minHalfWidthWad),
            maxHalfWidthWad: str(s.hedgeParams.band.maxHalfWidthWad),
            expiryUnwindSeconds: str(s.hedgeParams.limits.expiryUnwindSeconds),
            bookCooldownSeconds: str(s.hedgeParams.limits.bookCooldownSeconds),
            lending: s.hedgeLends
              ? {
                  collateralUnits: str(s.hedgeLending.collateral),
                  debtUnits: str(s.hedgeLending.debt),
                  loanToValueBps: str(s.hedgeLending.loanToValueBps),
                  maxLtvBps: str(s.hedgeLending.maxLtvBps),
                  healthFactorWad: str(s.hedgeLending.healthFactorWad),
                }
              : null,
          },
    leverage: r.kind !== "leverage" ? null : leverageJson(r, s, iface),
    plan: {
      legs: s.status.legs.map((l) => {
        const a = s.assets[Number(l.asset)];
        return {
          asset: a.symbol,
          side: l.isSell ? "sell" : "buy",
          tokenIn: l.isSell ? a.symbol : (q?.symbol ?? ""),
          amountInUnits: str(l.amountIn),
          tokenOut: l.isSell ? (q?.symbol ?? "") : a.symbol,
          minAmountOutUnits: str(l.minAmountOut),
          valueWad: str(l.valueWad),
        };
      }),
      tradedWad: str(s.status.legs.reduce((acc, l) => acc + l.valueWad, 0n)),
      chunked: r.chunked,
      simulation: simulationJson(s.simulation, r, iface),
    },
    pendingChanges:
      r.pendingChanges?.map((c) => ({ ...c, eta: str(c.eta), etaTime: isoTime(c.eta) })) ?? null,
  };
}

/** A leverage vault's figures: its position, its leverage settings, and the ripcord's simulation. */
function leverageJson(r: VaultStatusReport, s: LensVault, iface: Interface): VaultJson["leverage"] {
  const l = s.leverage.status;
  const c = s.leverage.config;
  return {
    leverageWad: str(l.leverageWad),
    targetWad: str(c.targetWad),
    minWad: str(c.minWad),
    maxWad: str(c.maxWad),
    ripcordWad: str(c.ripcordWad),
    loanToValueBps: str(l.loanToValueBps),
    maxLtvBps: str(c.maxLtvBps),
    healthFactorWad: str(l.healthFactorWad),
    collateralUnits: str(l.collateral),
    debtUnits: str(l.debt),
    ripcordDue: l.ripcordDue,
    ripcordRewardBps: str(c.ripcordRewardBps),
    maxRipcordRewardUnits: str(c.maxRipcordReward),
    ripcordSimulation: simulationJson(s.leverage.ripcord, r, iface),
  };
}

/** A call the lens simulated (rebalance or ripcord): success, gas, reward, the revert in words. */
function simulationJson(sim: LensVault["simulation"], r: VaultStatusReport, iface: Interface) {
  return {
    ran: sim.ran,
    ok: sim.ok,
    gasUsed: str(sim.gasUsed),
    rewardUnits: str(sim.reward),
    revert:
      sim.ran && !sim.ok
        ? revertText(
            iface,
            { data: sim.revertData },
            { now: r.block.timestamp, symbols: r.assets.map((x) => x.symbol) },
          )
        : null,
  };
}

/** The whole document: the chain, the block every vault was read at, and each vault. */
export function statusDocument(
  network: string,
  chainId: bigint | number,
  reports: VaultStatusReport[],
  lens: LensVault[],
  iface: Interface,
): StatusDocument {
  const block = reports[0]?.block ?? { number: 0, timestamp: 0 };
  return {
    schema: STATUS_SCHEMA,
    network,
    chainId: str(chainId),
    block: { number: str(block.number), timestamp: str(block.timestamp), time: isoTime(block.timestamp) },
    vaults: reports.map((r, i) => vaultJson(r, lens[i], iface)),
  };
}
