/** Mirrors of the Solidity enums in contracts/interfaces/Types.sol (order is ABI). */

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
  "BookChangeCooldown",
  "LendingUnavailable",
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

/** VaultKind: what `vaultKind()` answers; None is what the lens reports for a non-vault. */
export const VAULT_KINDS = ["None", "TargetWeight", "DeltaHedge", "Leverage"] as const;
export const VaultKind = Object.fromEntries(VAULT_KINDS.map((k, i) => [k, i])) as Record<
  (typeof VAULT_KINDS)[number],
  number
>;
