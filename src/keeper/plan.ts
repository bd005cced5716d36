import { formatUnits } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { type ReasonName, reasonName } from "../vault/enums";
import { describeReason } from "./decision";
import { tokenMeta } from "./tokens";

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

/** What `rebalance()` would do now; what the rebalance task prints before it simulates and sends. */
export interface RebalancePlan {
  /** The quote asset (asset 0), in which values, costs and the reward are counted. */
  quote: { symbol: string; decimals: number };
  reason: ReasonName;
  reasonText: string;
  legs: PlanLeg[];
  tradedQuote: number;
  /** The post-condition's bound on NAV lost: traded value × maxSlippageBps. */
  maxCostQuote: number;
  /** traded × rewardBps, capped per call and by what is left of the period's cap. */
  rewardQuote: number;
}

/** Reads the plan from the trigger predicate (rebalanceStatus) and the vault's settings: views only. */
export async function readPlan(hre: HardhatRuntimeEnvironment, address: string): Promise<RebalancePlan> {
  const engine = await hre.ethers.getContractAt("DeltaHedgeVault", address);
  const st = await engine.rebalanceStatus();
  const settings = await engine.engineSettings();
  const amounts = await engine.amountSettings();
  const state = await engine.engineState();
  const quoteCfg = await engine.assetConfig(0);
  const { symbol: quoteSymbol, decimals: quoteDecimals } = await tokenMeta(
    hre.ethers.provider,
    quoteCfg.token,
  );
  const legs: PlanLeg[] = [];
  for (const leg of st.legs) {
    const cfg = await engine.assetConfig(leg.asset);
    const { symbol, decimals } = await tokenMeta(hre.ethers.provider, cfg.token);
    legs.push({
      symbol,
      isSell: leg.isSell,
      amountIn: Number(formatUnits(leg.amountIn, leg.isSell ? decimals : quoteDecimals)),
      tokenIn: leg.isSell ? symbol : quoteSymbol,
      minAmountOut: Number(formatUnits(leg.minAmountOut, leg.isSell ? quoteDecimals : decimals)),
      tokenOut: leg.isSell ? quoteSymbol : symbol,
      valueQuote: Number(formatUnits(leg.valueWad, 18)),
    });
  }
  const tradedQuote = legs.reduce((a, l) => a + l.valueQuote, 0);
  const unit = 10 ** quoteDecimals;
  const capLeft = Math.max(0, Number(amounts.rewardCapPerPeriod) - Number(state.rewardPaidInPeriod)) / unit;
  return {
    quote: { symbol: quoteSymbol, decimals: quoteDecimals },
    reason: reasonName(st.reason),
    reasonText: describeReason(reasonName(st.reason), st.detail),
    legs,
    tradedQuote,
    maxCostQuote: (tradedQuote * Number(settings.maxSlippageBps)) / 10_000,
    rewardQuote: Math.min(
      (tradedQuote * Number(settings.rewardBps)) / 10_000,
      Number(amounts.maxRewardPerCall) / unit,
      capLeft,
    ),
  };
}

const amount = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 6 });

/** The plan as the rebalance task prints it: one line per leg, then the totals. */
export function formatPlan(plan: RebalancePlan): string[] {
  if (plan.reason !== "Due") return [`nothing to do: ${plan.reasonText}`];
  return [
    `plan: ${plan.legs.length} leg${plan.legs.length === 1 ? "" : "s"}, sells first`,
    ...plan.legs.map(
      (l) =>
        `  ${l.isSell ? "sell" : "buy "} ${l.symbol}: ${amount(l.amountIn)} ${l.tokenIn} in, at least ` +
        `${amount(l.minAmountOut)} ${l.tokenOut} out (oracle value ${amount(l.valueQuote)})`,
    ),
    `  traded ${amount(plan.tradedQuote)}; cost at most ${amount(plan.maxCostQuote)} (slippage bound); ` +
      `keeper reward ≈ ${amount(plan.rewardQuote)}`,
  ];
}
