import { formatUnits } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { type ReasonName, reasonName } from "../vault/enums";
import { type LensVault, readLens } from "../vault/lens";
import { describeReason } from "../vault/explain";
import { plural } from "../format/units";

/** One leg of the rebalance the trigger would execute now, in token units. */
export interface PlanLeg {
  symbol: string;
  isSell: boolean;
  amountIn: number;
  tokenIn: string;
  minAmountOut: number;
  tokenOut: string;
  valueQuote: number;
}

/** What `rebalance()` would do now; what the rebalance task prints before it sends. */
export interface RebalancePlan {
  /** The quote asset (asset 0), in which values, costs and the reward are counted. */
  quote: { symbol: string; decimals: number };
  reason: ReasonName;
  reasonText: string;
  legs: PlanLeg[];
  tradedQuote: number;
  /** The post-condition's bound on NAV lost: traded value × maxSlippageBps. */
  maxCostQuote: number;
  /**
   * The reward: exact when the lens simulated the rebalance (`simulated`), else traded × rewardBps
   * capped per call and by the room the rolling reward cap has left.
   */
  rewardQuote: number;
  /** The lens ran rebalance() against the current state: did it succeed, and if not, its revert data. */
  /** `rewardUnits`: the simulated reward in quote units, as a decimal string (JSON-safe, exact). */
  simulation: { ran: boolean; ok: boolean; revertData: string; gasUsed: number; rewardUnits: string };
}

const num = (x: bigint, decimals: number) => Number(formatUnits(x, decimals));

/**
 * The plan in a vault's lens status: the predicate's legs, bounds, and the simulated reward. `now` is
 * the block's timestamp, for the room the reward's rolling cap has left when nothing was simulated.
 */
export function planFromLens(s: LensVault, now: number): RebalancePlan {
  const quote = { symbol: s.assets[0]?.symbol ?? "", decimals: Number(s.assets[0]?.decimals ?? 18) };
  const legs: PlanLeg[] = s.status.legs.map((leg) => {
    const a = s.assets[Number(leg.asset)];
    const decimals = Number(a.decimals);
    return {
      symbol: a.symbol,
      isSell: leg.isSell,
      amountIn: num(leg.amountIn, leg.isSell ? decimals : quote.decimals),
      tokenIn: leg.isSell ? a.symbol : quote.symbol,
      minAmountOut: num(leg.minAmountOut, leg.isSell ? quote.decimals : decimals),
      tokenOut: leg.isSell ? quote.symbol : a.symbol,
      valueQuote: num(leg.valueWad, 18),
    };
  });
  const tradedQuote = legs.reduce((acc, l) => acc + l.valueQuote, 0);
  const unit = 10 ** quote.decimals;
  // The reward's rolling cap has room cap · (now + period − max(clearAt, now)) / period (SPEC §3.2).
  const period = Number(s.settings.periodSeconds);
  const busy = Math.max(Number(s.state.rewardsClearAt), now) - now;
  const capLeft = (Number(s.amounts.rewardCapPerPeriod) * Math.max(0, period - busy)) / period / unit;
  const sim = s.simulation;
  const reason = reasonName(s.status.reason);
  return {
    quote,
    reason,
    reasonText: describeReason(reason, s.status.detail, { now, symbols: s.assets.map((a) => a.symbol) }),
    legs,
    tradedQuote,
    maxCostQuote: (tradedQuote * Number(s.settings.maxSlippageBps)) / 10_000,
    rewardQuote:
      sim.ran && sim.ok
        ? num(sim.reward, quote.decimals)
        : Math.min(
            (tradedQuote * Number(s.settings.rewardBps)) / 10_000,
            Number(s.amounts.maxRewardPerCall) / unit,
            capLeft,
          ),
    simulation: {
      ran: sim.ran,
      ok: sim.ok,
      revertData: sim.revertData,
      gasUsed: Number(sim.gasUsed),
      rewardUnits: sim.reward.toString(),
    },
  };
}

/** Reads the plan through the lens (one eth_call): views and a simulation only, nothing sent. */
export async function readPlan(hre: HardhatRuntimeEnvironment, address: string): Promise<RebalancePlan> {
  const { chain, vaults } = await readLens(hre, [address]);
  return planFromLens(vaults[0], Number(chain.timestamp));
}

const amount = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 6 });

/** The plan as the rebalance task prints it: one line per leg, then the totals. */
export function formatPlan(plan: RebalancePlan): string[] {
  if (plan.reason !== "Due") return [`nothing to do: ${plan.reasonText}`];
  const buys = plan.legs.some((l) => !l.isSell);
  const sells = plan.legs.some((l) => l.isSell);
  const order = sells && buys ? "sells first" : sells ? "all sells" : "all buys";
  return [
    `plan: ${plural(plan.legs.length, "leg")}, ${order}`,
    ...plan.legs.map(
      (l) =>
        `  ${l.isSell ? "sell" : "buy "} ${l.symbol}: ${amount(l.amountIn)} ${l.tokenIn} in, at least ` +
        `${amount(l.minAmountOut)} ${l.tokenOut} out (oracle value ${amount(l.valueQuote)})`,
    ),
    `  traded ${amount(plan.tradedQuote)}; cost at most ${amount(plan.maxCostQuote)} (slippage bound); ` +
      `keeper reward ${plan.simulation.ok ? "" : "≈ "}${amount(plan.rewardQuote)}` +
      (plan.simulation.ok ? " (simulated)" : ""),
    ...(buys
      ? [
          "  note: a buy spends at most the quote the vault holds once the sells are done; if the sells " +
            "bring in less than planned, the buy (its input and minimum output) is scaled down to match",
        ]
      : []),
  ];
}
