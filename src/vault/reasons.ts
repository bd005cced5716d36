import type { ReasonName } from "./enums";
import { whenText } from "../format/time";

/**
 * The trigger's reasons in words, free of any library: the keeper, the status task and the CRE
 * workflow (compiled to WASM) share it.
 */

/**
 * A reason code and its detail as one readable phrase. With the chain's time, times say how far away
 * they are ("cooling down until … (in 8 min)"); with the vault's asset symbols, an asset is named.
 */
export function describeReason(
  reason: ReasonName,
  detail: bigint,
  context: { now?: bigint | number; symbols?: string[] } = {},
): string {
  const at = (t: bigint) => whenText(t, context.now);
  const asset = (i: bigint) => {
    const symbol = context.symbols?.[Number(i)];
    return symbol ? `${symbol} (asset ${i})` : `asset ${i}`;
  };
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
      return `the price feed of ${asset(detail)} is stale`;
    case "OracleInvalidAnswer":
      return `the price feed of ${asset(detail)} gives an invalid answer`;
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
      return `the pool of ${asset(detail)} is too far from the oracle`;
    case "VolatilityUnhealthy":
      return "the volatility feed is stale or out of bounds";
    case "BookUnreadable":
      return "the options book cannot be read";
    case "BookChangeCooldown":
      return `the book changed; the hedge follows it again from ${at(detail)}`;
    case "LendingUnavailable":
      return `the lending market will not take the trade in ${asset(detail)} now (paused, frozen, or no room)`;
  }
}
