/**
 * Times as the tools print them, free of any library (the CRE workflow shares them through
 * src/vault/reasons.ts): a Unix time as an ISO date to the second, and, given the chain's time, how
 * far away it is in words.
 */

/** A Unix time (seconds) as `2026-12-03T05:00:00Z`. */
export function isoTime(seconds: bigint | number): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** A span of seconds in the largest unit that keeps it readable: "40 s", "5 min", "23 h", "3 d". */
export function spanText(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/**
 * A Unix time as a date with how far it is from `now` (the chain's time): "2026-12-04T04:00:00Z (in
 * 23 h)", "… (5 min ago)", "… (now)". Without `now`, the date alone.
 */
export function whenText(seconds: bigint | number, now?: bigint | number): string {
  if (now === undefined) return isoTime(seconds);
  const d = Number(seconds) - Number(now);
  return `${isoTime(seconds)} (${d === 0 ? "now" : d > 0 ? `in ${spanText(d)}` : `${spanText(d)} ago`})`;
}
