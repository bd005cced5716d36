/** Mirrors of the Solidity enums in contracts/interfaces/IRebalanceEngine.sol (order is ABI). */

export const REASONS = [
  "Due",
  "NotActive",
  "Paused",
  "SequencerDown",
  "SequencerGracePeriod",
  "OracleStale",
  "OracleInvalidAnswer",
  "EmptyVault",
  "Cooldown",
  "CircuitBreaker",
  "WithinBand",
  "IntervalNotElapsed",
  "BelowMinTrade",
  "PoolPriceDeviation",
  "VolatilityUnhealthy",
  "BookUnreadable",
] as const;
export type ReasonName = (typeof REASONS)[number];

export const Reason = Object.fromEntries(REASONS.map((r, i) => [r, i])) as Record<ReasonName, number>;

export const reasonName = (code: bigint | number): ReasonName => {
  const name = REASONS[Number(code)];
  if (!name) throw new Error(`unknown reason code ${code}`);
  return name;
};

export const Policy = { Time: 0, Threshold: 1, Hybrid: 2 } as const;
export const Mode = { ToTarget: 0, ToBandEdge: 1 } as const;
