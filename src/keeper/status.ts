import { Interface, MaxUint256, formatUnits, ZeroAddress } from "ethers";
import { isoTime, whenText } from "../format/time";
import { formatDuration } from "../cli/args";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { UserError } from "../config/env";
import { renderTable } from "../format/table";
import { plural } from "../format/units";
import { Mode, Policy, type ReasonName, reasonName } from "../vault/enums";
import { BandPolicy } from "../vault/deltaHedge";
import { type VaultKindName, kindInterface, kindName } from "../vault/kind";
import { type LensChain, type LensVault, readLens } from "../vault/lens";
import { hedgeUrgency, leverageUrgency, targetWeightUrgency } from "./decision";
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
  /** NAV in the quote token; null when the trigger stopped before valuing the vault (paused, not active, sequencer or oracle down). */
  navQuote: number | null;
  nextEligibleAt: number | null;
  lastRebalanceAt: number | null;
  lastRebalanceCostQuote: number | null;
  /** The same cost as the Rebalanced event has it (WAD of quote), exact; null if unknown. */
  lastRebalanceCostWad: string | null;
  assets: {
    symbol: string;
    priceQuote: number;
    feedAgeSeconds: number;
    /** Tokens the vault holds. */
    balance: number;
    weight?: number;
    target?: number;
    /** Target-weight vaults: the absolute (bps of NAV) and relative (bps of the target) bands; 0 = off. */
    absBandBps?: number;
    relBandBps?: number;
  }[];
  roles: { owner: string; guardian: string };
  /** How long targets and loosening changes wait after queueChange (0 = no delay). */
  changeDelaySeconds: number;
  /** The engine's settings, enums by name; amounts in the quote token. */
  settings: Record<string, number | string>;
  /** This rebalance trades the per-call cap (maxTradeBps of NAV, or the breaker's budget): more calls follow. */
  chunked: boolean;
  /** Queued changes still pending, when read (status; never while polling). */
  pendingChanges: PendingChange[] | null;
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
    /** Its parameters (what vault:book, :volatility, :rate, :target-delta, :band, :book-limits set). */
    book: string;
    /** σ's feed (the zero address: the admin σ below is used), its staleness limit, the admin σ and the bounds. */
    volatility: {
      feed: string;
      maxStalenessSeconds: number;
      sigma: number;
      minSigma: number;
      maxSigma: number;
    };
    rate: number;
    band: {
      policy: string;
      relativeBps: number;
      costBps: number;
      absolute: number;
      riskAversion: number;
      minHalfWidth: number;
      maxHalfWidth: number;
    };
    limits: { expiryUnwindSeconds: number; bookCooldownSeconds: number };
    /**
     * A hedge on a lending market (DeltaHedgeLendingVault): quote supplied, underlying owed (token
     * units), debt over quote and its cap (fractions), the market's health factor (null: no debt).
     */
    lending?: {
      collateral: number;
      debt: number;
      loanToValue: number;
      maxLoanToValue: number;
      health: number | null;
    };
  };
  /** Leverage vaults: the position, its band and ripcord, and what `ripcord()` would do now. */
  leverage?: {
    /** Collateral value over equity (2 = 2×); 0 without equity. */
    leverage: number;
    target: number;
    min: number;
    max: number;
    ripcord: number;
    /** Net debt over collateral value, and the cap a lever or deposit may not pass (fractions). */
    loanToValue: number;
    maxLoanToValue: number;
    /** Aave's health factor at the liquidation threshold; null without debt. */
    health: number | null;
    /** Underlying supplied plus held, and quote owed less quote held (token units). */
    collateral: number;
    debt: number;
    /** Leverage is at or above the ripcord bound: anyone may call ripcord(), and the keeper does. */
    ripcordDue: boolean;
    ripcordRewardBps: number;
    maxRipcordReward: number;
    /** ripcord() run by the lens against the current state (ran only while due). */
    ripcordSimulation: RebalancePlan["simulation"];
  };
  /** What rebalance() would do now (legs, bounds, the simulated reward); `legs` is empty unless Due. */
  plan: RebalancePlan;
  /** The block the status was read at, and its timestamp. */
  block: { number: number; timestamp: number };
}

/** A change queued on the vault (queueChange) and not yet applied or cancelled. */
export interface PendingChange {
  id: string;
  /** The call, decoded: `setTargets([4000, 3000, 3000])`. */
  call: string;
  eta: number;
  /** waiting (before eta), ready (eta … eta + 14 d: run the same command to apply), expired (must be queued again). */
  state: "waiting" | "ready" | "expired";
}

/** ConstantsLib.CHANGE_GRACE_SECONDS: how long after its eta a queued change may be applied. */
export const CHANGE_GRACE_SECONDS = 14 * 86_400;

/** Reasons the trigger reports before it values the vault (its NAV is then not known, not 0). */
const UNVALUED: readonly ReasonName[] = [
  "NotActive",
  "Paused",
  "SequencerDown",
  "SequencerGracePeriod",
  "OracleStale",
  "OracleInvalidAnswer",
];

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
  const symbols = s.assets.map((a) => a.symbol);
  const assets: VaultStatusReport["assets"] = s.assets.map((a, i) => ({
    symbol: a.symbol,
    // The lens leaves pricesWad empty when prices are unusable (sequencer down, a stale feed):
    // an ethers Result throws on an index past its end, so test the length.
    priceQuote: i < s.pricesWad.length ? num(s.pricesWad[i]) : NaN,
    feedAgeSeconds: now - Number(a.feedUpdatedAt),
    balance: num(a.balance, Number(a.decimals)),
  }));
  const quoteDecimals = Number(s.assets[0]?.decimals ?? 18);
  const st = s.settings;
  const enumName = (names: Record<string, number>, code: bigint) =>
    Object.keys(names).find((k) => names[k] === Number(code)) ?? String(code);
  const report: VaultStatusReport = {
    name: vault.name,
    address: vault.address,
    kind,
    reason,
    reasonText: describeReason(reason, s.status.detail, { now, symbols }),
    urgency: 0,
    paused: s.state.paused,
    navQuote: UNVALUED.includes(reason) ? null : num(s.status.navWad),
    // The engine's earliest time can lie in the past (a fresh vault: 0 + cooldown): eligible now.
    nextEligibleAt: Number(s.status.nextEligibleAt) > now ? Number(s.status.nextEligibleAt) : null,
    lastRebalanceAt: s.state.lastRebalanceAt > 0n ? Number(s.state.lastRebalanceAt) : null,
    lastRebalanceCostQuote: null,
    lastRebalanceCostWad: null,
    assets,
    plan: planFromLens(s, now),
    block: { number: Number(chain.blockNumber), timestamp: now },
    roles: { owner: s.owner, guardian: s.guardian },
    changeDelaySeconds: Number(s.changeDelaySeconds),
    settings: {
      policy: enumName(Policy, st.policy),
      mode: enumName(Mode, st.mode),
      maxSlippageBps: Number(st.maxSlippageBps),
      maxPoolDeviationBps: Number(st.maxPoolDeviationBps),
      maxTradeBps: Number(st.maxTradeBps),
      bandHysteresisBps: Number(st.bandHysteresisBps),
      cooldownSeconds: Number(st.cooldownSeconds),
      intervalSeconds: Number(st.intervalSeconds),
      periodSeconds: Number(st.periodSeconds),
      maxRebalancesPerPeriod: Number(st.maxRebalancesPerPeriod),
      maxCostBpsPerPeriod: Number(st.maxCostBpsPerPeriod),
      rewardBps: Number(st.rewardBps),
      minTradeValue: num(s.amounts.minTradeValue, quoteDecimals),
      maxRewardPerCall: num(s.amounts.maxRewardPerCall, quoteDecimals),
      rewardCapPerPeriod: num(s.amounts.rewardCapPerPeriod, quoteDecimals),
    },
    chunked: isChunked(s),
    pendingChanges: null,
  };
  if (kind === "delta-hedge") {
    const h = s.hedge;
    const p = s.hedgeParams;
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
      book: p.book,
      volatility: {
        feed: p.volatility.feed,
        maxStalenessSeconds: Number(p.volatility.maxStalenessSeconds),
        sigma: num(p.volatility.sigmaWad),
        minSigma: num(p.volatility.minSigmaWad),
        maxSigma: num(p.volatility.maxSigmaWad),
      },
      rate: num(p.rateWad),
      band: {
        policy:
          Object.keys(BandPolicy).find(
            (k) => BigInt(BandPolicy[k as keyof typeof BandPolicy]) === p.band.policy,
          ) ?? String(p.band.policy),
        relativeBps: Number(p.band.relativeBps),
        costBps: Number(p.band.costBps),
        absolute: num(p.band.absoluteWad),
        riskAversion: num(p.band.riskAversionWad),
        minHalfWidth: num(p.band.minHalfWidthWad),
        maxHalfWidth: num(p.band.maxHalfWidthWad),
      },
      limits: {
        expiryUnwindSeconds: Number(p.limits.expiryUnwindSeconds),
        bookCooldownSeconds: Number(p.limits.bookCooldownSeconds),
      },
    };
    if (s.hedgeLends) {
      const l = s.hedgeLending;
      report.hedge.lending = {
        collateral: num(l.collateral, quoteDecimals),
        debt: num(l.debt, Number(s.assets[1]?.decimals ?? 18)),
        loanToValue: Number(l.loanToValueBps) / 1e4,
        maxLoanToValue: Number(l.maxLtvBps) / 1e4,
        health: l.healthFactorWad === MaxUint256 ? null : num(l.healthFactorWad),
      };
    }
  } else if (kind === "leverage") {
    const l = s.leverage.status;
    const c = s.leverage.config;
    const r = s.leverage.ripcord;
    report.urgency = leverageUrgency(l.leverageWad, c.targetWad, c.minWad, c.maxWad);
    report.leverage = {
      leverage: num(l.leverageWad),
      target: num(c.targetWad),
      min: num(c.minWad),
      max: num(c.maxWad),
      ripcord: num(c.ripcordWad),
      loanToValue: Number(l.loanToValueBps) / 1e4,
      maxLoanToValue: Number(c.maxLtvBps) / 1e4,
      health: l.healthFactorWad === MaxUint256 ? null : num(l.healthFactorWad),
      collateral: num(l.collateral, Number(s.assets[1]?.decimals ?? 18)),
      debt: num(l.debt, quoteDecimals),
      ripcordDue: l.ripcordDue,
      ripcordRewardBps: Number(c.ripcordRewardBps),
      maxRipcordReward: num(c.maxRipcordReward, quoteDecimals),
      ripcordSimulation: {
        ran: r.ran,
        ok: r.ok,
        revertData: r.revertData,
        gasUsed: Number(r.gasUsed),
        rewardUnits: r.reward.toString(),
      },
    };
  } else {
    s.assets.forEach((a, i) => {
      assets[i].target = Number(a.targetBps) / 1e4;
      assets[i].absBandBps = Number(a.absBandBps);
      assets[i].relBandBps = Number(a.relBandBps);
    });
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

/**
 * Whether the plan trades the per-call cap: the legs' value reaches maxTradeBps of NAV (the engine
 * scales every leg down to it), so the drift completes over more calls.
 */
function isChunked(s: LensVault): boolean {
  if (s.status.legs.length === 0 || s.status.navWad === 0n) return false;
  const traded = s.status.legs.reduce((acc, l) => acc + l.valueWad, 0n);
  const cap = (s.status.navWad * s.settings.maxTradeBps) / 10_000n;
  return traded * 1000n >= cap * 995n; // within 0.5 %: buys are netted of their pool fee
}

/** The events status reads: the last rebalance's cost, and queued or cancelled changes. */
const EVENTS = new Interface([
  "event Rebalanced(address indexed caller, uint256 navBeforeWad, uint256 navAfterWad, uint256 deviationBeforeWad, uint256 deviationAfterWad, uint256 tradedValueWad, uint256 reward)",
  "event ChangeQueued(bytes32 indexed id, bytes data, uint256 eta)",
  "event ChangeCancelled(bytes32 indexed id)",
  "function changeEta(bytes32 id) view returns (uint256)",
]);
const TOPICS = ["Rebalanced", "ChangeQueued", "ChangeCancelled"].map((e) => EVENTS.getEvent(e)!.topicHash);

/**
 * From one eth_getLogs over the look-back: the NAV the vault's last rebalance cost (quote; null if
 * none or unknown) and the changes queued and not cancelled there, each checked against the vault's
 * queue (one changeEta call each: an applied change leaves no event of its own). A provider that
 * refuses the range leaves both unknown (null), the rest is reported.
 */
async function readHistory(
  hre: HardhatRuntimeEnvironment,
  address: string,
  latestBlock: number,
  now: number,
  decode: (data: string) => string,
): Promise<{ costWad: bigint | null; pending: PendingChange[] | null }> {
  let logs;
  try {
    logs = await hre.ethers.provider.getLogs({
      address,
      topics: [TOPICS],
      fromBlock: Math.max(0, latestBlock - REBALANCE_LOOKBACK_BLOCKS),
      toBlock: latestBlock,
    });
  } catch {
    return { costWad: null, pending: null };
  }
  let costWad: bigint | null = null;
  const queued = new Map<string, string>(); // id → data, in order
  for (const log of logs) {
    const ev = EVENTS.parseLog({ topics: [...log.topics], data: log.data })!;
    if (ev.name === "Rebalanced")
      costWad = (ev.args.navBeforeWad as bigint) - (ev.args.navAfterWad as bigint);
    else if (ev.name === "ChangeQueued") queued.set(ev.args.id as string, ev.args.data as string);
    else queued.delete(ev.args.id as string);
  }
  const pending: PendingChange[] = [];
  for (const [id, data] of queued) {
    const ret = await hre.ethers.provider.call({
      to: address,
      data: EVENTS.encodeFunctionData("changeEta", [id]),
    });
    const eta = Number(EVENTS.decodeFunctionResult("changeEta", ret)[0] as bigint);
    if (eta === 0) continue; // applied (or cancelled before the look-back)
    const state = now < eta ? "waiting" : now <= eta + CHANGE_GRACE_SECONDS ? "ready" : "expired";
    pending.push({ id, call: decode(data), eta, state });
  }
  return { costWad, pending };
}

/** A queued call's calldata as `name(args)`, decoded with the vault's ABI. */
function callText(iface: Interface, data: string): string {
  const parsed = iface.parseTransaction({ data });
  if (!parsed) return data;
  const show = (v: unknown): string =>
    Array.isArray(v)
      ? `[${v.map(show).join(", ")}]`
      : v !== null && typeof v === "object" && "toObject" in v
        ? JSON.stringify((v as { toObject(): object }).toObject(), (_k, x) =>
            typeof x === "bigint" ? x.toString() : x,
          )
        : String(v);
  return `${parsed.name}(${[...parsed.args].map(show).join(", ")})`;
}

/**
 * Reads the status of several vaults in one lens call (plus, unless polling, one eth_getLogs per
 * vault for the last rebalance's cost), with `keeper`'s ETH balance.
 */
export async function vaultStatuses(
  hre: HardhatRuntimeEnvironment,
  vaults: { name: string; address: string }[],
  opts: { lastRebalanceCost: boolean; keeper?: string } = { lastRebalanceCost: true },
): Promise<{ reports: VaultStatusReport[]; keeperBalanceWei: bigint; lens: LensVault[] }> {
  const lens = await readLens(
    hre,
    vaults.map((v) => v.address),
    opts.keeper ?? ZeroAddress,
  );
  const reports = vaults.map((v, i) => reportFromLens(v, lens.vaults[i], lens.chain, hre.network.name));
  if (opts.lastRebalanceCost) {
    for (const r of reports) {
      const iface = kindInterface(hre, r.kind);
      const history = await readHistory(hre, r.address, r.block.number, r.block.timestamp, (data) =>
        callText(iface, data),
      );
      if (r.lastRebalanceAt !== null && history.costWad !== null) {
        r.lastRebalanceCostWad = history.costWad.toString();
        r.lastRebalanceCostQuote = num(history.costWad);
      }
      r.pendingChanges = history.pending;
    }
  }
  return { reports, keeperBalanceWei: lens.chain.keeperBalance, lens: lens.vaults };
}

/** Reads everything the status table shows for one vault: one lens call (and one eth_getLogs). */
export async function vaultStatus(
  hre: HardhatRuntimeEnvironment,
  vault: { name: string; address: string },
  opts: { lastRebalanceCost: boolean } = { lastRebalanceCost: true },
): Promise<VaultStatusReport> {
  return (await vaultStatuses(hre, [vault], opts)).reports[0];
}

const money = (x: number, symbol: string) =>
  `${x.toLocaleString("en-US", { maximumFractionDigits: x !== 0 && Math.abs(x) < 1 ? 6 : 2 })} ${symbol}`;

/** The engine's settings in one line each for thresholds, timing and money. */
function settingsLines(r: VaultStatusReport): string[] {
  const s = r.settings;
  const q = r.plan.quote.symbol;
  const span = (x: number | string) => (Number(x) === 0 ? "off" : formatDuration(Number(x)));
  return [
    `  settings: policy ${s.policy}, mode ${s.mode}; slippage ≤ ${s.maxSlippageBps} bps, pool off the oracle ≤ ${s.maxPoolDeviationBps} bps, ` +
      `trade ≤ ${s.maxTradeBps} bps of NAV a call, hysteresis ${s.bandHysteresisBps} bps, min trade ${money(Number(s.minTradeValue), q)}`,
    `  timing: cooldown ${span(s.cooldownSeconds)}, interval ${span(s.intervalSeconds)}; breaker ${s.maxRebalancesPerPeriod} rebalances ` +
      `and ${s.maxCostBpsPerPeriod} bps of NAV per ${span(s.periodSeconds)}; ${r.changeDelaySeconds === 0 ? "changes apply at once" : `changes that loosen wait ${span(r.changeDelaySeconds)}`}`,
    `  reward: ${s.rewardBps} bps of the value traded, ≤ ${money(Number(s.maxRewardPerCall), q)} a call, ` +
      `≤ ${money(Number(s.rewardCapPerPeriod), q)} per ${span(s.periodSeconds)}`,
  ];
}

/** What a revert from this vault is explained against: the block's time and its asset symbols. */
export const revertContext = (r: VaultStatusReport) => ({
  now: r.block.timestamp,
  symbols: r.assets.map((a) => a.symbol),
});

/** The human table for one vault. */
export function formatStatus(r: VaultStatusReport): string {
  const now = r.block.timestamp;
  const when = (t: number | null) => (t === null ? "never" : whenText(t, now));
  const q = r.plan.quote.symbol;
  const lines = [
    `${r.name} (${r.kind}) at ${r.address}, block ${r.block.number} (${isoTime(now)})`,
    `  trigger: ${r.reason} — ${r.reasonText}; deviation ${r.urgency.toFixed(2)}× band`,
  ];
  if (r.paused) lines.push("  PAUSED: rebalances, deposits and withdrawals stop until the owner unpauses");
  lines.push(
    `  NAV ${r.navQuote === null ? `not valued (${r.reasonText}; holdings below)` : money(r.navQuote, q)}; ` +
      `next eligible ${r.nextEligibleAt === null ? "now" : when(r.nextEligibleAt)}; ` +
      `last rebalance ${when(r.lastRebalanceAt)}` +
      (r.lastRebalanceCostQuote === null ? "" : ` costing ${money(r.lastRebalanceCostQuote, q)}`),
  );
  if (r.plan.legs.length > 0) {
    lines.push(
      `  next rebalance: ${plural(r.plan.legs.length, "leg")} trading ${money(r.plan.tradedQuote, q)}` +
        (r.chunked
          ? `; capped at ${r.settings.maxTradeBps} bps of NAV a call, so more rebalances follow (one per cooldown)`
          : ""),
    );
  }
  const tw = r.kind === "target-weight";
  const rows = r.assets.map((a) => [
    a.symbol,
    Number.isNaN(a.priceQuote) ? "-" : a.priceQuote.toFixed(4),
    `${a.feedAgeSeconds}`,
    a.balance.toLocaleString("en-US", { maximumFractionDigits: 6 }),
    ...(tw
      ? [
          a.weight === undefined ? "-" : `${(a.weight * 100).toFixed(2)}%`,
          a.target === undefined ? "-" : `${(a.target * 100).toFixed(2)}%`,
          `${a.absBandBps ? `±${a.absBandBps}` : "-"} / ${a.relBandBps ? `±${a.relBandBps}` : "-"}`,
        ]
      : []),
  ]);
  const header = [
    "asset",
    "price",
    "feed age s",
    "holding",
    ...(tw ? ["weight", "target", "band abs / rel bps"] : []),
  ];
  lines.push(
    ...renderTable(header, rows)
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
    const v = h.volatility;
    const pct = (x: number) => `${+(x * 100).toFixed(4)}%`;
    const b = h.band;
    const policy =
      b.policy === "Absolute"
        ? `Absolute ±${b.absolute}`
        : b.policy === "RelativeToGross"
          ? `RelativeToGross ${b.relativeBps} bps of the book's gross size`
          : `WhalleyWilmott (cost ${b.costBps} bps, risk aversion ${b.riskAversion})`;
    lines.push(
      `  hedge: book ${h.book}; σ ${/^0x0+$/.test(v.feed) ? `set at ${pct(v.sigma)}` : `from feed ${v.feed} (stale after ${formatDuration(v.maxStalenessSeconds)})`} ` +
        `within ${pct(v.minSigma)} … ${pct(v.maxSigma)}; r ${pct(h.rate)}; band ${policy}, clamped ${b.minHalfWidth} … ${b.maxHalfWidth}; ` +
        `expiry unwind ${formatDuration(h.limits.expiryUnwindSeconds)}, book cooldown ${h.limits.bookCooldownSeconds === 0 ? "off" : formatDuration(h.limits.bookCooldownSeconds)}`,
    );
    if (h.lending) {
      const l = h.lending;
      lines.push(
        `  lending: ${money(l.collateral, q)} supplied, ${l.debt.toLocaleString("en-US", { maximumFractionDigits: 6 })} ${r.assets[1]?.symbol ?? ""} owed; ` +
          `LTV ${pct(l.loanToValue)} (cap ${pct(l.maxLoanToValue)}); health ${l.health === null ? "∞ (no debt)" : l.health.toFixed(3)}`,
      );
    }
  }
  if (r.leverage) {
    const l = r.leverage;
    const x = (v: number) => `${v.toFixed(3)}×`;
    const pct = (v: number) => `${+(v * 100).toFixed(2)}%`;
    lines.push(
      `  leverage ${x(l.leverage)} vs target ${x(l.target)} (band ${x(l.min)} … ${x(l.max)}, ripcord at ${x(l.ripcord)}); ` +
        `LTV ${pct(l.loanToValue)} (cap ${pct(l.maxLoanToValue)}); health ${l.health === null ? "∞ (no debt)" : l.health.toFixed(3)}; ` +
        `collateral ${l.collateral.toLocaleString("en-US", { maximumFractionDigits: 6 })} ${r.assets[1]?.symbol ?? ""}, ` +
        `debt ${money(l.debt, q)}`,
    );
    if (l.ripcordDue) {
      const sim = l.ripcordSimulation;
      lines.push(
        `  RIPCORD DUE: anyone may call ripcord() now (reward ${l.ripcordRewardBps} bps of the value sold, at most ${money(l.maxRipcordReward, q)}); ` +
          (sim.ok
            ? `simulated: reward ${formatUnits(BigInt(sim.rewardUnits), r.plan.quote.decimals)} ${q}, gas ≈ ${sim.gasUsed.toLocaleString("en-US")}`
            : "its simulation reverted (npx hardhat rebalance says why)"),
      );
    }
  }
  lines.push(`  roles: owner ${r.roles.owner}, guardian ${r.roles.guardian}`, ...settingsLines(r));
  if (r.pendingChanges === null)
    lines.push("  pending changes: unknown (the node refused the event look-back)");
  else if (r.pendingChanges.length === 0) lines.push("  pending changes: none");
  else {
    lines.push("  pending changes:");
    for (const c of r.pendingChanges) {
      const state =
        c.state === "waiting"
          ? `applies from ${when(c.eta)}`
          : c.state === "ready"
            ? `ready since ${when(c.eta)}: run the same command to apply it`
            : `expired (grace over since ${when(c.eta + CHANGE_GRACE_SECONDS)}): queue it again`;
      lines.push(`    ${c.call} — ${state}; id ${c.id}`);
    }
  }
  return lines.join("\n");
}
