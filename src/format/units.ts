/**
 * Numbers as the tools print them, free of any library (the CRE workflow shares these through
 * src/keeper/decision.ts).
 */

/**
 * A gas price in gwei: two decimals from 1 gwei up (mainnet), three significant digits below (L2s,
 * where 0.01 gwei is a real price and "0.00 gwei" said nothing), and in wei under 0.001 gwei.
 */
export function formatGwei(wei: bigint): string {
  if (wei === 0n) return "0 gwei";
  if (wei < 1_000_000n) return `${wei} wei`;
  const gwei = Number(wei) / 1e9;
  if (gwei >= 1) return `${gwei.toFixed(2)} gwei`;
  return `${Number(gwei.toPrecision(3))} gwei`;
}

/** A whole number with thousands separators (gas, counts). */
export const formatInt = (n: bigint | number): string => Number(n).toLocaleString("en-US");

/** "1 leg", "2 legs". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
