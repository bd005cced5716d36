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

/** An amount of ETH in wei, to four significant digits: "0.0003977 ETH", "1.25 ETH". */
export function formatEth(wei: bigint): string {
  if (wei === 0n) return "0 ETH";
  return `${(Number(wei) / 1e18).toLocaleString("en-US", { maximumSignificantDigits: 4 })} ETH`;
}

/** A token amount to the precision its decimals allow (at most 6 shown), with separators: "12.5 USDC". */
export function formatToken(x: number, symbol: string, decimals = 18): string {
  return `${x.toLocaleString("en-US", { maximumFractionDigits: Math.min(decimals, 6) })} ${symbol}`;
}
